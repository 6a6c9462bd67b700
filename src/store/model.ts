/**
 * The kubeward store: what scans, builds and the continuous server remember between runs. One interface,
 * two backends: SQLite on disk (the embedded default, `sqlite.ts`) and PostgreSQL (`postgres.ts`, so that
 * several `serve` replicas and sharded registry-scan Jobs share one store). Every method is async because
 * the PostgreSQL backend is; the SQLite backend answers synchronously inside.
 *
 * Records are plain JSON-able objects so both backends store them the same way and reports can print them.
 */
import type { Severity } from '../core/severity.js';

export type StoredVulnSeverity = Severity | 'unknown';
export type StoredVendorStatus = 'fixed' | 'not-fixed' | 'will-not-fix' | 'unknown';

/** One vulnerability in one package of a scanned image, trimmed to what drift and dashboards need. */
export interface StoredVuln {
  id: string;
  aliases: string[];
  /** Package name and installed version (`name@version`, path when one name appears twice). */
  package: string;
  installed: string;
  fixedIn: string[];
  status: StoredVendorStatus;
  severity: StoredVulnSeverity;
  score?: number;
}

/** How an image's origin was established (see provenance): a trusted signature, the build ledger, or neither. */
export type ImageOrigin = 'signed' | 'ledger' | 'unknown';

/** The result of scanning one image digest once. */
export interface ImageScanRecord {
  /** `sha256:<hex>` of the manifest that was scanned. */
  digest: string;
  /** `registry/repository`, without tag or digest. */
  repository: string;
  /** Tags that pointed at the digest when it was scanned. */
  tags: string[];
  /** ISO 8601. */
  scannedAt: string;
  /** The vulnerability database used (its build time), so drift can tell new advisories from new images. */
  dbVersion: string;
  packages: number;
  vulnerabilities: StoredVuln[];
  origin?: ImageOrigin;
  /** Set instead of vulnerabilities when the scan failed; the digest is retried by the next run. */
  error?: string;
}

/** A build recorded by `image scan --record-build`: the image came from this build environment. */
export interface BuildRecord {
  digest: string;
  repository: string;
  /** Who built it: CI pipeline identity (e.g. `github:org/repo/.github/workflows/ci.yml@refs/heads/main`). */
  pipeline: string;
  recordedAt: string;
}

/** One registry scan run; `finishedAt` is unset while it runs or after it was interrupted (resume). */
export interface ScanRun {
  id: string;
  /** What was scanned: `HOST[/prefix]`, with `#shard I/N` when sharded. */
  target: string;
  startedAt: string;
  finishedAt?: string;
  dbVersion: string;
}

/** A tag resolved during a run, and whether its digest has been scanned in that run. */
export interface RunItem {
  runId: string;
  repository: string;
  tag: string;
  digest: string;
  done: boolean;
}

/** Posture findings of one `serve` pass over the cluster, summarised for history charts. */
export interface PostureSnapshot {
  takenAt: string;
  /** The cluster the pass looked at (`serve --cluster-name`); absent on input means DEFAULT_CLUSTER. */
  cluster?: string;
  /** Counts by severity and namespace. */
  counts: { namespace: string; severity: Severity; count: number }[];
  /** The findings themselves (JSON report form), newest snapshot only is kept in full by default. */
  findings: unknown[];
}

/** A workload seen running, with the images it runs (by digest when the pod status gave one). */
export interface WorkloadRecord {
  /** The cluster it runs in: `putWorkloads` stamps the name it was given, whatever this field said. */
  cluster: string;
  namespace: string;
  kind: string;
  name: string;
  images: { container: string; image: string; digest?: string }[];
  seenAt: string;
}

/** A runtime alert kept for the dashboard. */
export interface StoredAlert {
  rule: string;
  priority: string;
  time: string;
  message: string;
  namespace?: string;
  user?: string;
}

/** The cluster name of rows written before stores knew clusters (schema 1), and of callers that give none. */
export const DEFAULT_CLUSTER = 'default';

/** How many rows `postureHistory`, `alerts` and `recentRuns` return when no limit is given. */
export const DEFAULT_HISTORY_LIMIT = 100;

/**
 * Semantics both backends share (the contract tests in test/store hold them to it):
 * - "Newest first" orders by the record's own timestamp (parsed, so `...Z` and `...+00:00` compare as times),
 *   then by insertion order; timestamps that do not parse are refused with an InputError naming the field.
 * - A repository prefix matches whole path segments: `reg/app` matches `reg/app` and `reg/app/api`, not
 *   `reg/application`; `reg` alone matches every repository on that registry.
 * - Multi-row writes (`putRunItems`, `putWorkloads`, `putAlerts`) are one transaction each: all or nothing.
 */
export interface Store {
  readonly kind: 'sqlite' | 'postgres';

  putImageScan(record: ImageScanRecord): Promise<void>;
  /** Newest first; `limit` defaults to 2 (the latest and the one before, which is what drift compares). */
  imageScans(digest: string, limit?: number): Promise<ImageScanRecord[]>;
  /**
   * The latest scan of every digest (optionally only under a repository prefix): one per (repository, digest),
   * so a digest pushed to two repositories appears under each. Ordered by repository then digest. A scan that
   * arrives late with an older `scannedAt` does not displace a newer one. A failed scan (`error` set) counts
   * as the latest; use `imageScans` to look further back.
   */
  latestImageScans(repositoryPrefix?: string): Promise<ImageScanRecord[]>;

  /** Idempotent per (digest, pipeline): recording the same build again keeps the first record. */
  recordBuild(record: BuildRecord): Promise<void>;
  /** The earliest build recorded for the digest. */
  findBuild(digest: string): Promise<BuildRecord | undefined>;

  /** Idempotent: starting a run whose id exists changes nothing (a retried call after a lost answer). */
  startRun(run: ScanRun): Promise<void>;
  /** The newest unfinished run for a target, to resume. */
  unfinishedRun(target: string): Promise<ScanRun | undefined>;
  finishRun(runId: string, finishedAt: string): Promise<void>;
  /** Newest first (by `startedAt`), finished or not; `limit` defaults to DEFAULT_HISTORY_LIMIT. */
  recentRuns(limit?: number): Promise<ScanRun[]>;
  /**
   * Upserts by (runId, repository, tag). Putting an item again (a resumed run relisting tags) keeps `done`
   * when the digest is unchanged and resets it when the tag now points elsewhere.
   */
  putRunItems(items: RunItem[]): Promise<void>;
  markRunDigestDone(runId: string, digest: string): Promise<void>;
  /** Ordered by repository then tag. */
  runItems(runId: string): Promise<RunItem[]>;

  /**
   * Replaces one cluster's set of running workloads atomically (`cluster` defaults to DEFAULT_CLUSTER), leaving
   * other clusters' sets alone, so a fleet of `serve` leaders can share one store. Every stored record gets
   * `seenAt` (the time of the pass that saw the set) and `cluster`, whatever its own fields said.
   */
  putWorkloads(workloads: WorkloadRecord[], seenAt: string, cluster?: string): Promise<void>;
  /** Every cluster's workloads, or one cluster's; ordered by cluster, namespace, kind, name. */
  workloads(cluster?: string): Promise<WorkloadRecord[]>;
  /** The clusters that have workloads or posture snapshots in the store, sorted (byte order). */
  clusters(): Promise<string[]>;
  /**
   * Keeps `findings` of each cluster's newest snapshot only; older snapshots keep their counts with
   * `findings: []`.
   */
  putPostureSnapshot(snapshot: PostureSnapshot): Promise<void>;
  /** Newest first, every cluster's or one cluster's; `limit` defaults to DEFAULT_HISTORY_LIMIT. */
  postureHistory(limit?: number, cluster?: string): Promise<PostureSnapshot[]>;
  putAlerts(alerts: StoredAlert[]): Promise<void>;
  /** Newest first (by `time`); `limit` defaults to DEFAULT_HISTORY_LIMIT. */
  alerts(limit?: number): Promise<StoredAlert[]>;

  /** Ends the connection (SQLite file or PostgreSQL pool); further calls fail. */
  close(): Promise<void>;
}
