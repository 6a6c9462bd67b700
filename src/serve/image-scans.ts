// Scans running digests: each digest once per vulnerability database version. The store is the memory: a
// digest whose latest record was made with the current database is not scanned again, across restarts and
// across replicas (a new leader picks up exactly what is missing). A record is written only when the scan
// is complete, so a replica killed mid-scan leaves nothing half-done behind: the digest is simply missing.
import type { Clock } from '../core/clock.js';
import { BaseError, errorMessage } from '../core/errors.js';
import type { RegistryOptions } from '../image/registry-client.js';
import { parseReference } from '../image/reference.js';
import { LayerCache } from '../inventory/layer-cache.js';
import { inventoryImage } from '../inventory/scan-image.js';
import { vulnReportOf } from '../scan/scan-image.js';
import type { OriginResolver } from '../scan/registry-scan/index.js';
import { storedVulnsOf } from '../scan/registry-scan/stored-vulns.js';
import type { ImageScanRecord, Store } from '../store/model.js';
import { VulnStore } from '../vulndb/store.js';
import type { RunningImage } from './workloads.js';

export interface ImageScannerOptions {
  store: Store;
  clock: Clock;
  toolVersion: string;
  /** Vulnerability database file (re-opened per scan, so a `db update` that renames a new file is seen). */
  dbPath: string;
  registry: RegistryOptions;
  /** Registries (`host[:port]`) spoken to over plain HTTP. */
  insecureRegistries?: readonly string[];
  /** Layer cache file shared by every scan; `false` turns it off. */
  cachePath: string | false;
  concurrency?: number;
  /** Asked for each scanned digest when origin checks are configured; without it `origin` stays unset. */
  origin?: OriginResolver;
  onLog?(message: string): void;
}

export interface ScannerStats {
  scanned: number;
  failed: number;
  skipped: number;
  queued: number;
  inFlight: number;
}

export interface ImageScanner {
  /**
   * Queue the digests that the store lacks for the current database version. `retryFailed` also queues
   * digests whose latest scan failed (the scheduled pass does; change-driven passes do not, so a broken
   * image is not hammered).
   */
  enqueue(
    images: readonly RunningImage[],
    dbVersion: string,
    options?: { retryFailed?: boolean },
  ): Promise<void>;
  /** Resolves when the queue is empty and nothing is in flight. */
  idle(): Promise<void>;
  /** Stops taking work; resolves when in-flight scans are done (they are stored: they are complete). */
  stop(): Promise<void>;
  readonly stats: ScannerStats;
}

/**
 * Whether a digest must be scanned with database `dbVersion`, given its latest stored scan. A scan made with
 * the same or a newer database stands (versions are build times, ISO 8601, so they order as text): a replica
 * that took over with an older database file must not overwrite newer results with older ones.
 */
export function needsScan(
  latest: Pick<ImageScanRecord, 'dbVersion' | 'error'> | undefined,
  dbVersion: string,
  retryFailed: boolean,
): boolean {
  if (!latest) return true;
  const comparable = latest.dbVersion !== 'unknown' && dbVersion !== 'unknown';
  const current = comparable ? latest.dbVersion >= dbVersion : latest.dbVersion === dbVersion;
  if (!current) return true;
  return latest.error !== undefined && retryFailed;
}

export function createImageScanner(options: ImageScannerOptions): ImageScanner {
  const stats: ScannerStats = { scanned: 0, failed: 0, skipped: 0, queued: 0, inFlight: 0 };
  const queue = new Map<string, { image: RunningImage; dbVersion: string }>();
  const active = new Set<string>();
  // Digests this replica saw stored with a database version: a pass after every pod event need not ask the
  // store again for each running digest. Only a positive answer is remembered; the store stays the truth.
  const confirmed = new Map<string, string>();
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const insecure = new Set(options.insecureRegistries ?? []);
  let stopped = false;
  let idleWaiters: (() => void)[] = [];
  let cache: LayerCache | undefined;
  if (options.cachePath !== false) {
    try {
      cache = LayerCache.open(options.cachePath);
    } catch (error) {
      options.onLog?.(
        `layer cache ${options.cachePath} unusable, scanning without it: ${errorMessage(error)}`,
      );
    }
  }

  const checkIdle = () => {
    if (queue.size === 0 && active.size === 0) {
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
    }
  };

  /**
   * Unlike `registry scan`, a failed origin lookup (the registry would not answer about signatures) does not
   * fail the scan: the vulnerabilities are kept and the origin stays unset, which the dashboard shows as not
   * verified rather than as a false "unknown origin".
   */
  async function originOf(image: RunningImage): Promise<ImageScanRecord['origin']> {
    if (!options.origin) return undefined;
    try {
      return (await options.origin(image)).origin;
    } catch (error) {
      options.onLog?.(
        `origin of ${image.reference} not established: ${(errorMessage(error).split('\n')[0] ?? '').slice(0, 500)}`,
      );
      return undefined;
    }
  }

  /**
   * A complete scan without the origin that is now asked for: made before origin checks were configured, or
   * the signature lookup failed. Scheduled passes (the first one at start included) scan it again, as they
   * retry failed scans; change-driven passes do not, so an unreachable registry is not hammered.
   */
  const lacksOrigin = (latest: ImageScanRecord | undefined): boolean =>
    options.origin !== undefined &&
    latest !== undefined &&
    latest.error === undefined &&
    latest.origin === undefined;

  async function scanOne(image: RunningImage, dbVersion: string): Promise<void> {
    const record = {
      digest: image.digest,
      repository: image.repository,
      tags: image.tags,
      dbVersion,
    };
    let registryHost = '';
    try {
      registryHost = parseReference(image.reference).registry;
    } catch {
      // the reference came from workloads.ts, which parsed it already
    }
    const vulnStore = VulnStore.open(options.dbPath);
    try {
      // The version the scan really used: the file may have been replaced since the pass began.
      const builtAt = vulnStore.builtAt() ?? 'unknown';
      const inventory = await inventoryImage(image.reference, {
        ...options.registry,
        ...(insecure.has(registryHost) ? { insecure: true } : {}),
        ...(cache ? { cache } : {}),
        cachePath: false,
      });
      const report = vulnReportOf(
        inventory,
        image.reference,
        vulnStore,
        { path: options.dbPath, ...(builtAt !== 'unknown' ? { builtAt } : {}) },
        { clock: options.clock, toolVersion: options.toolVersion },
      );
      const origin = await originOf(image);
      const scanned: ImageScanRecord = {
        ...record,
        dbVersion: builtAt,
        scannedAt: options.clock.now().toISOString(),
        packages: inventory.packages.length,
        vulnerabilities: storedVulnsOf(report),
        ...(origin ? { origin } : {}),
      };
      await options.store.putImageScan(scanned);
      if (origin || !options.origin) confirmed.set(image.digest, builtAt);
      stats.scanned += 1;
    } catch (error) {
      if (!(error instanceof BaseError)) throw error;
      const message = (errorMessage(error).split('\n')[0] ?? '').slice(0, 500);
      stats.failed += 1;
      options.onLog?.(`scan of ${image.reference} failed: ${message}`);
      await options.store.putImageScan({
        ...record,
        scannedAt: options.clock.now().toISOString(),
        packages: 0,
        vulnerabilities: [],
        error: message,
      });
    } finally {
      vulnStore.close();
    }
  }

  const pump = () => {
    while (!stopped && active.size < concurrency && queue.size > 0) {
      const [digest, entry] = queue.entries().next().value as [
        string,
        { image: RunningImage; dbVersion: string },
      ];
      queue.delete(digest);
      stats.queued = queue.size;
      active.add(digest);
      stats.inFlight = active.size;
      scanOne(entry.image, entry.dbVersion)
        .catch((error: unknown) => {
          stats.failed += 1;
          options.onLog?.(`scan of ${entry.image.reference} failed unexpectedly: ${errorMessage(error)}`);
        })
        .finally(() => {
          active.delete(digest);
          stats.inFlight = active.size;
          pump();
          checkIdle();
        });
    }
  };

  return {
    stats,
    async enqueue(images, dbVersion, enqueueOptions = {}) {
      for (const image of images) {
        if (stopped) return;
        if (queue.has(image.digest) || active.has(image.digest)) continue;
        const known = confirmed.get(image.digest);
        if (known !== undefined && !needsScan({ dbVersion: known }, dbVersion, false)) {
          stats.skipped += 1;
          continue;
        }
        const [latest] = await options.store.imageScans(image.digest, 1);
        const retry = enqueueOptions.retryFailed ?? false;
        if (!needsScan(latest, dbVersion, retry) && !(retry && lacksOrigin(latest))) {
          if (latest && latest.error === undefined && !lacksOrigin(latest))
            confirmed.set(image.digest, latest.dbVersion);
          stats.skipped += 1;
          continue;
        }
        queue.set(image.digest, { image, dbVersion });
      }
      stats.queued = queue.size;
      pump();
      checkIdle();
    },
    idle: () =>
      new Promise<void>((resolve) => {
        idleWaiters.push(resolve);
        checkIdle();
      }),
    async stop() {
      stopped = true;
      queue.clear();
      stats.queued = 0;
      if (active.size > 0) await new Promise<void>((resolve) => idleWaiters.push(resolve));
      cache?.close();
      cache = undefined;
    },
  };
}
