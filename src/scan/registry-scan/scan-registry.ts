/**
 * `registry scan`: list repositories and tags, resolve tags to digests, and scan every distinct digest once,
 * with bounded parallelism, a shared rate limit and a shared layer cache (images built on one base read the
 * base layer once). The run and its resolved tags are recorded in the store before scanning starts, and each
 * digest is marked done when its result is stored, so an interrupted run is resumed by the next run of the
 * same target without rescanning anything. The result carries each digest's previous and current record;
 * drift.ts turns that into the drift report.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import { BaseError, RemoteError, errorMessage } from '../../core/errors.js';
import { parseManifest } from '../../image/manifest.js';
import type { Platform } from '../../image/platform.js';
import { RegistryClient, type RegistryOptions } from '../../image/registry-client.js';
import { LayerCache, defaultCachePath } from '../../inventory/layer-cache.js';
import { inventoryImage } from '../../inventory/scan-image.js';
import type { ImageOrigin, ImageScanRecord, RunItem, ScanRun, Store } from '../../store/model.js';
import { VulnStore } from '../../vulndb/store.js';
import { vulnReportOf } from '../scan-image.js';
import { DEFAULT_LISTING_LIMITS, type ListingLimits, listRepositories, listTags } from './listing.js';
import { runPool } from './pool.js';
import { createThrottle } from './rate-limit.js';
import { cmp, storedVulnsOf } from './stored-vulns.js';
import { type RegistryTarget, type Shard, inScope, targetKey } from './target.js';

/** Where an image came from (provenance.ts answers it); called only when the user asked for origin checks. */
export type OriginResolver = (image: {
  reference: string;
  repository: string;
  digest: string;
}) => Promise<{ origin: ImageOrigin; detail: string }>;

export interface ScanProgress {
  phase: 'listing' | 'scanning';
  done: number;
  total: number;
  failed: number;
}

export interface RegistryScanOptions {
  target: RegistryTarget;
  shard?: Shard;
  store: Store;
  registry: RegistryOptions;
  platform?: Platform;
  /** Vulnerability database file. */
  dbPath: string;
  /** Layer cache file shared by every image of the run; `false` turns it off. Default: defaultCachePath. */
  cachePath?: string | false;
  env?: NodeJS.ProcessEnv;
  /** Images scanned (and repositories listed) at once; default 4. */
  concurrency?: number;
  /** Registry requests per second over all workers; unlimited when unset. */
  ratePerSecond?: number;
  /** Start a new run even when an unfinished one exists for the target. */
  restart?: boolean;
  clock: Clock;
  toolVersion: string;
  limits?: Partial<ListingLimits>;
  origin?: OriginResolver;
  onProgress?: (progress: ScanProgress) => void;
  /**
   * After this many failures in a row the registry's `/v2/` endpoint is asked; when it does not answer either,
   * the registry is taken as gone and the run stops (default 3).
   */
  maxConsecutiveFailures?: number;
}

/**
 * `scanned`: scanned by this invocation; `done-earlier`: scanned by an earlier, interrupted invocation of the
 * same run; `failed`: tried and failed (retried by the next run); `not-scanned`: not reached (run stopped).
 */
export type ImageState = 'scanned' | 'done-earlier' | 'failed' | 'not-scanned';

export interface ScannedImage {
  digest: string;
  /** `registry/repository` the digest was scanned through (the first repository holding it). */
  repository: string;
  /** Every `registry/repository:tag` that points at the digest. */
  references: string[];
  state: ImageState;
  /** The newest successful scan before this run's. */
  previous?: ImageScanRecord;
  current?: ImageScanRecord;
  error?: string;
  originDetail?: string;
}

export interface RegistryScanResult {
  target: string;
  runId: string;
  resumed: boolean;
  startedAt: string;
  finishedAt?: string;
  /** Build time of the vulnerability database used now. */
  dbVersion: string;
  repositories: number;
  tags: number;
  images: ScannedImage[];
  /** Repositories or tags that could not be listed or resolved, one line each. */
  problems: string[];
  warnings: string[];
  /** Why the run stopped before every digest was scanned. */
  stopReason?: string;
  /** Every resolved digest has a stored result for this run. */
  complete: boolean;
}

interface DigestGroup {
  digest: string;
  repository: string;
  tags: string[];
  references: string[];
  done: boolean;
  /** Bottom layer digest, when the manifest was read in this invocation (not on resume). */
  baseLayer?: string;
}

export async function scanRegistry(options: RegistryScanOptions): Promise<RegistryScanResult> {
  const vulnStore = VulnStore.open(options.dbPath); // before any network work: a missing database fails fast
  const warnings: string[] = [];
  let cache: LayerCache | undefined;
  try {
    const dbVersion = vulnStore.builtAt() ?? 'unknown';
    const throttle = options.ratePerSecond ? createThrottle(options.ratePerSecond) : undefined;
    const registry: RegistryOptions = { ...options.registry, ...(throttle ? { throttle } : {}) };
    const key = targetKey(options.target, options.shard);
    const store = options.store;

    let run = options.restart ? undefined : await store.unfinishedRun(key);
    const resumed = run !== undefined;
    let items: RunItem[];
    let baseLayers = new Map<string, string>();
    const problems: string[] = [];
    if (run) {
      items = await store.runItems(run.id);
    } else {
      const listed = await listAndResolve(options, registry);
      problems.push(...listed.problems);
      warnings.push(...listed.warnings);
      baseLayers = listed.baseLayers;
      run = { id: randomUUID(), target: key, startedAt: options.clock.now().toISOString(), dbVersion };
      await store.startRun(run);
      const runId = run.id;
      items = listed.items.map((i) => ({ ...i, runId, done: false }));
      await store.putRunItems(items);
    }

    cache = openCache(options, warnings);
    const groups = groupByDigest(items, options.target.registry, baseLayers);
    const images = new Map<string, ScannedImage>();
    const pending: DigestGroup[] = [];
    for (const group of groups) {
      if (group.done) images.set(group.digest, await doneEarlier(store, group, options.target.registry));
      else pending.push(group);
    }

    const progress: ScanProgress = { phase: 'scanning', done: 0, total: pending.length, failed: 0 };
    options.onProgress?.({ ...progress });
    const maxFailures = options.maxConsecutiveFailures ?? 3;
    let failuresInARow = 0;
    const scanContext: ScanContext = { options, registry, vulnStore, dbVersion, run, cache };
    const { ordered, waitForBase, baseDone } = orderByBase(pending);
    const pool = await runPool(ordered, options.concurrency ?? 4, async (group, control) => {
      await waitForBase(group);
      const image = await scanDigest(scanContext, group).finally(() => baseDone(group));
      images.set(group.digest, image);
      progress.done++;
      if (image.state === 'failed') {
        progress.failed++;
        failuresInARow++;
        if (failuresInARow >= maxFailures) {
          if (await reachable(options.target.registry, registry)) failuresInARow = 0;
          else control.stop(`${failuresInARow} images failed in a row, the last with: ${image.error ?? ''}`);
        }
      } else {
        failuresInARow = 0;
      }
      options.onProgress?.({ ...progress });
    });
    for (const group of pending) {
      if (!images.has(group.digest)) {
        images.set(group.digest, {
          digest: group.digest,
          repository: `${options.target.registry}/${group.repository}`,
          references: group.references,
          state: 'not-scanned',
        });
      }
    }
    const list = [...images.values()].sort(
      (a, b) => cmp(a.repository, b.repository) || cmp(a.digest, b.digest),
    );
    const complete = list.every((i) => i.state === 'scanned' || i.state === 'done-earlier');
    let finishedAt: string | undefined;
    if (complete) {
      finishedAt = options.clock.now().toISOString();
      await store.finishRun(run.id, finishedAt);
    }
    return {
      target: key,
      runId: run.id,
      resumed,
      startedAt: run.startedAt,
      ...(finishedAt ? { finishedAt } : {}),
      dbVersion,
      repositories: new Set(items.map((i) => i.repository)).size,
      tags: items.length,
      images: list,
      problems,
      warnings,
      ...(pool.stopReason ? { stopReason: pool.stopReason } : {}),
      complete,
    };
  } finally {
    cache?.close();
    vulnStore.close();
  }
}

function openCache(options: RegistryScanOptions, warnings: string[]): LayerCache | undefined {
  if (options.cachePath === false) return undefined;
  const path = options.cachePath ?? defaultCachePath(options.env ?? process.env);
  try {
    return LayerCache.open(path);
  } catch (error) {
    warnings.push(`layer cache ${path} unusable, continuing without it: ${oneLine(error)}`);
    return undefined;
  }
}

interface Listing {
  items: Omit<RunItem, 'runId' | 'done'>[];
  /** Digest -> bottom layer digest, to scan one image per base first (see orderByBase). */
  baseLayers: Map<string, string>;
  problems: string[];
  warnings: string[];
}

/** Catalog, then per repository (in parallel) its tags and each tag's digest. */
async function listAndResolve(options: RegistryScanOptions, registry: RegistryOptions): Promise<Listing> {
  const host = options.target.registry;
  const limits = { ...DEFAULT_LISTING_LIMITS, ...options.limits };
  const catalogClient = await RegistryClient.create({ registry: host, repository: '_catalog' }, registry);
  let repositories: string[];
  const warnings: string[] = [];
  try {
    const listed = await listRepositories(catalogClient, host, limits);
    repositories = listed.names.filter((r) => inScope(r, options.target, options.shard));
    warnings.push(...listed.warnings);
  } finally {
    await catalogClient.close();
  }
  const items: Listing['items'] = [];
  const baseLayers = new Map<string, string>();
  const problems: string[] = [];
  const progress: ScanProgress = { phase: 'listing', done: 0, total: repositories.length, failed: 0 };
  options.onProgress?.({ ...progress });
  const maxFailures = options.maxConsecutiveFailures ?? 3;
  let failuresInARow = 0;
  const pool = await runPool(repositories, options.concurrency ?? 4, async (repository, control) => {
    const result = await resolveRepository(host, repository, registry, limits);
    items.push(...result.items);
    for (const [digest, layer] of result.baseLayers) baseLayers.set(digest, layer);
    problems.push(...result.problems);
    warnings.push(...result.warnings);
    progress.done++;
    if (result.failed) {
      progress.failed++;
      if (++failuresInARow >= maxFailures) {
        if (await reachable(host, registry)) failuresInARow = 0;
        else control.stop(result.problems.at(-1) ?? 'listing failed');
      }
    } else {
      failuresInARow = 0;
    }
    options.onProgress?.({ ...progress });
  });
  if (pool.stopReason) {
    // Recording a half-listed run would make the resumed run skip the rest of the registry: start over instead.
    throw new RemoteError(
      `${host}: stopped listing after ${progress.done} of ${repositories.length} repositories: ${pool.stopReason}`,
    );
  }
  items.sort((a, b) => cmp(a.repository, b.repository) || cmp(a.tag, b.tag));
  return { items, baseLayers, problems: problems.sort(), warnings };
}

async function resolveRepository(
  host: string,
  repository: string,
  registry: RegistryOptions,
  limits: ListingLimits,
): Promise<Omit<Listing, 'warnings'> & { warnings: string[]; failed: boolean }> {
  const items: Listing['items'] = [];
  const baseLayers = new Map<string, string>();
  const problems: string[] = [];
  const client = await RegistryClient.create({ registry: host, repository }, registry);
  try {
    const tags = await listTags(client, host, repository, limits);
    let failed = 0;
    for (const tag of tags.names) {
      const what = `${host}/${repository}:${tag}`;
      try {
        const manifest = await client.fetchManifest(tag);
        // Refuse what is not an image manifest or index (wrong media type, garbage) before it is recorded.
        const parsed = parseManifest(manifest.body, what, manifest.contentType);
        items.push({ repository, tag, digest: manifest.digest });
        const bottom = parsed.kind === 'manifest' ? parsed.manifest.layers[0]?.digest : undefined;
        if (bottom) baseLayers.set(manifest.digest, bottom);
      } catch (error) {
        if (!(error instanceof BaseError)) throw error;
        failed++;
        problems.push(oneLine(error));
      }
    }
    return { items, baseLayers, problems, warnings: tags.warnings, failed: failed > 0 && items.length === 0 };
  } catch (error) {
    if (!(error instanceof BaseError)) throw error;
    return { items, baseLayers, problems: [oneLine(error)], warnings: [], failed: true };
  } finally {
    await client.close();
  }
}

/**
 * One image per base layer first, the others after it: images scanned at the same time would each analyse the
 * shared base layer, because the layer cache only holds it once the first analysis ends. Followers wait for their
 * base's first image (done or failed), leaders of different bases run in parallel.
 */
function orderByBase(groups: readonly DigestGroup[]): {
  ordered: DigestGroup[];
  waitForBase: (group: DigestGroup) => Promise<void>;
  baseDone: (group: DigestGroup) => void;
} {
  const leaders = new Map<string, { digest: string; done: Promise<void>; resolve: () => void }>();
  const followers: DigestGroup[] = [];
  const first: DigestGroup[] = [];
  for (const group of groups) {
    if (!group.baseLayer || leaders.has(group.baseLayer)) {
      followers.push(group);
      continue;
    }
    let resolve = (): void => undefined;
    const done = new Promise<void>((r) => (resolve = r));
    leaders.set(group.baseLayer, { digest: group.digest, done, resolve });
    first.push(group);
  }
  return {
    ordered: [...first, ...followers],
    waitForBase: async (group) => {
      const leader = group.baseLayer ? leaders.get(group.baseLayer) : undefined;
      if (leader && leader.digest !== group.digest) await leader.done;
    },
    baseDone: (group) => {
      const leader = group.baseLayer ? leaders.get(group.baseLayer) : undefined;
      if (leader?.digest === group.digest) leader.resolve();
    },
  };
}

/**
 * Failures in a row mean the registry is gone only when its base endpoint stops answering too; a run of hostile
 * or broken repositories in a healthy registry must not stop the scan.
 */
async function reachable(host: string, registry: RegistryOptions): Promise<boolean> {
  const client = await RegistryClient.create({ registry: host, repository: '_catalog' }, registry);
  try {
    await client.fetchApi('/v2/', `${host}: API check`, 64 * 1024);
    return true;
  } catch (error) {
    if (!(error instanceof BaseError)) throw error;
    return false;
  } finally {
    await client.close();
  }
}

function groupByDigest(
  items: readonly RunItem[],
  host: string,
  baseLayers: ReadonlyMap<string, string>,
): DigestGroup[] {
  const byDigest = new Map<string, DigestGroup>();
  const sorted = [...items].sort((a, b) => cmp(a.repository, b.repository) || cmp(a.tag, b.tag));
  for (const item of sorted) {
    let group = byDigest.get(item.digest);
    if (!group) {
      const baseLayer = baseLayers.get(item.digest);
      group = {
        digest: item.digest,
        repository: item.repository,
        tags: [],
        references: [],
        done: false,
        ...(baseLayer ? { baseLayer } : {}),
      };
      byDigest.set(item.digest, group);
    }
    if (item.repository === group.repository) group.tags.push(item.tag);
    group.references.push(`${host}/${item.repository}:${item.tag}`);
    group.done ||= item.done;
  }
  return [...byDigest.values()];
}

/** A digest an earlier invocation of this run scanned: its newest record is this run's, the one before it the previous. */
async function doneEarlier(store: Store, group: DigestGroup, host: string): Promise<ScannedImage> {
  const [current, previous] = (await store.imageScans(group.digest, 10)).filter((r) => !r.error);
  return {
    digest: group.digest,
    repository: `${host}/${group.repository}`,
    references: group.references,
    state: 'done-earlier',
    ...(previous ? { previous } : {}),
    ...(current ? { current } : {}),
  };
}

interface ScanContext {
  options: RegistryScanOptions;
  registry: RegistryOptions;
  vulnStore: VulnStore;
  dbVersion: string;
  run: ScanRun;
  cache: LayerCache | undefined;
}

async function scanDigest(ctx: ScanContext, group: DigestGroup): Promise<ScannedImage> {
  const { options, store } = { options: ctx.options, store: ctx.options.store };
  const repository = `${options.target.registry}/${group.repository}`;
  const reference = `${repository}@${group.digest}`;
  const previous = (await store.imageScans(group.digest, 10)).find((r) => !r.error);
  const base = {
    digest: group.digest,
    repository,
    references: group.references,
    ...(previous ? { previous } : {}),
  };
  const record = {
    digest: group.digest,
    repository,
    tags: group.tags,
    scannedAt: '',
    dbVersion: ctx.dbVersion,
  };
  try {
    const inventory = await inventoryImage(reference, {
      ...ctx.registry,
      ...(options.platform ? { platform: options.platform } : {}),
      ...(ctx.cache ? { cache: ctx.cache } : {}),
      cachePath: false,
    });
    const report = vulnReportOf(
      inventory,
      reference,
      ctx.vulnStore,
      { path: options.dbPath, ...(ctx.dbVersion !== 'unknown' ? { builtAt: ctx.dbVersion } : {}) },
      { clock: options.clock, toolVersion: options.toolVersion },
    );
    const origin = options.origin
      ? await options.origin({ reference, repository, digest: group.digest })
      : undefined;
    const current: ImageScanRecord = {
      ...record,
      scannedAt: options.clock.now().toISOString(),
      packages: inventory.packages.length,
      vulnerabilities: storedVulnsOf(report),
      ...(origin ? { origin: origin.origin } : {}),
    };
    await store.putImageScan(current);
    await store.markRunDigestDone(ctx.run.id, group.digest);
    return { ...base, state: 'scanned', current, ...(origin ? { originDetail: origin.detail } : {}) };
  } catch (error) {
    if (!(error instanceof BaseError)) throw error;
    const message = oneLine(error);
    await store.putImageScan({
      ...record,
      scannedAt: options.clock.now().toISOString(),
      packages: 0,
      vulnerabilities: [],
      error: message,
    });
    return { ...base, state: 'failed', error: message };
  }
}

function oneLine(error: unknown): string {
  return (errorMessage(error).split('\n')[0] ?? '').slice(0, 500);
}
