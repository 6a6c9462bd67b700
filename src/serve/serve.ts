/**
 * The continuous scanner: watches the cluster, and while this replica leads (or always, without leader
 * election) keeps the store up to date. A pass records the workloads, queues the running digests the store
 * lacks for the current vulnerability database (so a database update re-scans everything that runs: drift),
 * and re-runs the posture checks. Passes run on change (debounced, so a rollout of fifty pods is one pass),
 * on the schedule (which also retries failed scans), when the database file changes, and when this replica
 * becomes the leader. Every replica watches, so a new leader starts from a warm cache.
 */
import type { Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { RegistryOptions } from '../image/registry-client.js';
import type { LeaderElectionOptions, LeaderElector } from '../k8s/live/lease.js';
import { createLeaderElector } from '../k8s/live/lease.js';
import type { JsonObject } from '../k8s/object.js';
import type { ResourceWatch, WatchOptions, WatchStats, WatchedResource } from '../k8s/live/watch.js';
import { watchResource } from '../k8s/live/watch.js';
import type { KubeClient } from '../k8s/live/watch-transport.js';
import type { Config } from '../scan/config.js';
import type { OriginResolver } from '../scan/registry-scan/index.js';
import type { Store } from '../store/model.js';
import { DEFAULT_CLUSTER } from '../store/model.js';
import { VulnStore } from '../vulndb/store.js';
import type { ImageScanner, ScannerStats } from './image-scans.js';
import { createImageScanner } from './image-scans.js';
import { takePostureSnapshot } from './posture.js';
import { POD_RESOURCE, WATCHED_RESOURCES } from './watched-resources.js';
import { ownerIndex, runningImages, workloadRecords } from './workloads.js';

export interface ServeOptions {
  client: KubeClient;
  store: Store;
  /**
   * Names this cluster in the store (`--cluster-name`), so a fleet's leaders share one store without replacing
   * each other's workloads. Default DEFAULT_CLUSTER.
   */
  clusterName?: string;
  clock: Clock;
  toolVersion: string;
  /** Vulnerability database file; image scanning waits while it does not exist. */
  dbPath: string;
  /** Only these namespaces (cluster-scoped kinds are still watched); all when empty. */
  namespaces?: readonly string[];
  /** Scheduled pass: posture checks, failed scans retried, database checked. */
  intervalMs: number;
  /** Quiet time after a change before the pass runs. Default 2 s. */
  debounceMs?: number;
  /** How often the database file is checked for a new build. Default 60 s. */
  dbCheckIntervalMs?: number;
  /**
   * Keeps the database fresh: `run` (a `db update`, which swaps in a new file) every `intervalMs`, by the
   * leader only. The file check above then sees the new build and the running digests are re-scanned.
   */
  dbUpdate?: { intervalMs: number; run(): Promise<void> };
  registry: RegistryOptions;
  insecureRegistries?: readonly string[];
  cachePath: string | false;
  scanConcurrency?: number;
  /** Origin checks for each scanned digest (serveOriginResolver); without it `origin` stays unset. */
  origin?: OriginResolver;
  config?: Config;
  resources?: readonly WatchedResource[];
  /** With a Lease only the leader writes; without, this process always does. */
  leaderElection?: Omit<
    LeaderElectionOptions,
    'clock' | 'onStartedLeading' | 'onStoppedLeading' | 'onWarning'
  >;
  watch?: Pick<WatchOptions, 'backoff' | 'timeoutSeconds' | 'maxEventBytes' | 'pageSize'>;
  onLog?(message: string): void;
}

export interface ServeStatus {
  ready: boolean;
  leader: boolean;
  passes: number;
  passErrors: number;
  dbVersion?: string;
  lastPostureAt?: string;
  watches: { resource: string; namespace: string; stats: WatchStats }[];
  scans: ScannerStats;
}

export interface ServeController {
  ready(): boolean;
  isLeader(): boolean;
  status(): ServeStatus;
  /** Resolves when the watches have synced, no pass is pending or running and the scan queue is empty. */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

interface Scope {
  watch: ResourceWatch;
  namespace: string;
}

const EMPTY_SCANS: ScannerStats = { scanned: 0, failed: 0, skipped: 0, queued: 0, inFlight: 0 };

/** The database's build time, or undefined when there is no usable database file. */
export function readDbVersion(path: string): string | undefined {
  try {
    const store = VulnStore.open(path);
    try {
      return store.builtAt() ?? 'unknown';
    } finally {
      store.close();
    }
  } catch {
    return undefined;
  }
}

export function startServe(options: ServeOptions): ServeController {
  const log = (message: string) => options.onLog?.(message);
  const resources = options.resources ?? WATCHED_RESOURCES;
  const namespaces = options.namespaces && options.namespaces.length > 0 ? options.namespaces : [undefined];
  const source = `${options.client.server} (context ${options.client.context})`;
  const cluster = options.clusterName ?? DEFAULT_CLUSTER;
  const scannerStats = { ...EMPTY_SCANS };
  let scanner: ImageScanner | undefined;
  let elector: LeaderElector | undefined;
  let electorRun: Promise<void> | undefined;
  let leading = !options.leaderElection;
  let stopped = false;
  let passes = 0;
  let passErrors = 0;
  let dbVersion: string | undefined;
  let lastPostureAt: string | undefined;
  let postureDirty = true;
  let debounce: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again: { scheduled: boolean } | undefined;

  const scopes: Scope[] = [];
  const onUpdate = () => {
    postureDirty = true;
    if (allSynced()) schedule();
  };
  for (const resource of resources) {
    const scoped = resource.namespaced ? namespaces : [undefined];
    for (const namespace of scoped) {
      const watch = watchResource(options.client, resource, {
        ...options.watch,
        ...(namespace ? { namespace } : {}),
        onUpdate,
        onWarning: log,
      });
      scopes.push({ watch, namespace: namespace ?? '' });
    }
  }
  // A kind the credentials may not list counts as synced (empty): the rest still gets scanned.
  const allSynced = () =>
    scopes.every((s) => s.watch.stats.lists > 0 || s.watch.stats.unavailable !== undefined);
  const objects = (filter?: WatchedResource): JsonObject[] =>
    scopes.filter((s) => !filter || s.watch.resource === filter).flatMap((s) => s.watch.objects());

  const ensureScanner = () => {
    scanner ??= createImageScanner({
      store: options.store,
      clock: options.clock,
      toolVersion: options.toolVersion,
      dbPath: options.dbPath,
      registry: options.registry,
      ...(options.insecureRegistries ? { insecureRegistries: options.insecureRegistries } : {}),
      cachePath: options.cachePath,
      ...(options.scanConcurrency ? { concurrency: options.scanConcurrency } : {}),
      ...(options.origin ? { origin: options.origin } : {}),
      onLog: log,
    });
    return scanner;
  };

  async function pass(scheduled: boolean): Promise<void> {
    if (!leading || stopped || !allSynced()) return;
    passes += 1;
    const now = options.clock.now().toISOString();
    const all = objects();
    const pods = objects(POD_RESOURCE);
    await options.store.putWorkloads(workloadRecords(pods, ownerIndex(all), now, cluster), now, cluster);
    const version = readDbVersion(options.dbPath);
    if (version !== dbVersion) {
      if (version && dbVersion)
        log(`vulnerability database changed (${dbVersion} -> ${version}): re-scanning`);
      else if (!version) log(`no vulnerability database at ${options.dbPath}: image scans wait for one`);
      dbVersion = version;
    }
    if (version && leading && !stopped)
      await ensureScanner().enqueue(runningImages(pods), version, { retryFailed: scheduled });
    if (postureDirty || scheduled) {
      postureDirty = false;
      const snapshot = takePostureSnapshot(all, {
        clock: options.clock,
        source,
        ...(options.config ? { config: options.config } : {}),
      });
      await options.store.putPostureSnapshot({ ...snapshot, cluster });
      lastPostureAt = snapshot.takenAt;
    }
  }

  /** One pass at a time; a request during a pass runs one more pass after it. */
  function trigger(scheduled: boolean): void {
    if (stopped) return;
    if (running) {
      again = { scheduled: scheduled || (again?.scheduled ?? false) };
      return;
    }
    running = pass(scheduled)
      .catch((error: unknown) => {
        passErrors += 1;
        log(`pass failed: ${errorMessage(error)}`);
      })
      .finally(() => {
        running = undefined;
        const next = again;
        again = undefined;
        if (next) trigger(next.scheduled);
      });
  }

  function schedule(): void {
    if (debounce || stopped) return;
    debounce = setTimeout(() => {
      debounce = undefined;
      trigger(false);
    }, options.debounceMs ?? 2000);
  }

  const interval = setInterval(() => trigger(true), options.intervalMs);
  let updating: Promise<void> | undefined;
  const dbUpdate = options.dbUpdate;
  const dbUpdateTimer = dbUpdate
    ? setInterval(() => {
        if (!leading || stopped || updating) return;
        updating = dbUpdate
          .run()
          .then(() => trigger(false))
          .catch((error: unknown) => log(`vulnerability database update failed: ${errorMessage(error)}`))
          .finally(() => (updating = undefined));
      }, dbUpdate.intervalMs)
    : undefined;
  const dbCheck = setInterval(() => {
    if (readDbVersion(options.dbPath) !== dbVersion) trigger(false);
  }, options.dbCheckIntervalMs ?? 60_000);
  // The first pass runs when every resource has been listed once.
  void Promise.all(scopes.map((s) => s.watch.synced)).then(() => trigger(true));

  if (options.leaderElection) {
    elector = createLeaderElector(options.client, {
      ...options.leaderElection,
      clock: options.clock,
      onStartedLeading: () => {
        leading = true;
        log(`${options.leaderElection?.identity ?? ''} leads: scheduling scans`);
        trigger(true);
      },
      onStoppedLeading: () => {
        leading = false;
        log(`${options.leaderElection?.identity ?? ''} stopped leading: scans stop, the API keeps serving`);
        const current = scanner;
        scanner = undefined;
        if (current) {
          // Counters stay monotonic for /metrics across leadership changes.
          scannerStats.scanned += current.stats.scanned;
          scannerStats.failed += current.stats.failed;
          scannerStats.skipped += current.stats.skipped;
          void current.stop();
        }
      },
      onWarning: log,
    });
    electorRun = elector.run();
  }

  return {
    ready: allSynced,
    isLeader: () => leading,
    status: () => ({
      ready: allSynced(),
      leader: leading,
      passes,
      passErrors,
      ...(dbVersion ? { dbVersion } : {}),
      ...(lastPostureAt ? { lastPostureAt } : {}),
      watches: scopes.map((s) => ({
        resource: s.watch.resource.group
          ? `${s.watch.resource.resource}.${s.watch.resource.group}`
          : s.watch.resource.resource,
        namespace: s.namespace,
        stats: { ...s.watch.stats },
      })),
      scans: {
        scanned: scannerStats.scanned + (scanner?.stats.scanned ?? 0),
        failed: scannerStats.failed + (scanner?.stats.failed ?? 0),
        skipped: scannerStats.skipped + (scanner?.stats.skipped ?? 0),
        queued: scanner?.stats.queued ?? 0,
        inFlight: scanner?.stats.inFlight ?? 0,
      },
    }),
    async settled() {
      await Promise.all(scopes.map((s) => s.watch.synced));
      for (;;) {
        if (debounce || running) {
          await (running ?? new Promise((resolve) => setTimeout(resolve, 10)));
          continue;
        }
        await scanner?.idle();
        if (!debounce && !running) return;
      }
    },
    async stop() {
      stopped = true;
      clearInterval(interval);
      clearInterval(dbCheck);
      if (dbUpdateTimer) clearInterval(dbUpdateTimer);
      await updating;
      if (debounce) clearTimeout(debounce);
      for (const s of scopes) s.watch.stop();
      await Promise.all(scopes.map((s) => s.watch.done));
      await running;
      await scanner?.stop();
      if (elector) {
        await elector.stop();
        await electorRun;
      }
    },
  };
}
