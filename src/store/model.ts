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
  /** Counts by severity and namespace. */
  counts: { namespace: string; severity: Severity; count: number }[];
  /** The findings themselves (JSON report form), newest snapshot only is kept in full by default. */
  findings: unknown[];
}

/** A workload seen running, with the images it runs (by digest when the pod status gave one). */
export interface WorkloadRecord {
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

export interface Store {
  readonly kind: 'sqlite' | 'postgres';

  putImageScan(record: ImageScanRecord): Promise<void>;
  /** Newest first; `limit` defaults to 2 (the latest and the one before, which is what drift compares). */
  imageScans(digest: string, limit?: number): Promise<ImageScanRecord[]>;
  /** The latest scan of every digest (optionally only under a repository prefix). */
  latestImageScans(repositoryPrefix?: string): Promise<ImageScanRecord[]>;

  recordBuild(record: BuildRecord): Promise<void>;
  findBuild(digest: string): Promise<BuildRecord | undefined>;

  startRun(run: ScanRun): Promise<void>;
  /** The newest unfinished run for a target, to resume. */
  unfinishedRun(target: string): Promise<ScanRun | undefined>;
  finishRun(runId: string, finishedAt: string): Promise<void>;
  putRunItems(items: RunItem[]): Promise<void>;
  markRunDigestDone(runId: string, digest: string): Promise<void>;
  runItems(runId: string): Promise<RunItem[]>;

  putWorkloads(workloads: WorkloadRecord[], seenAt: string): Promise<void>;
  workloads(): Promise<WorkloadRecord[]>;
  putPostureSnapshot(snapshot: PostureSnapshot): Promise<void>;
  postureHistory(limit?: number): Promise<PostureSnapshot[]>;
  putAlerts(alerts: StoredAlert[]): Promise<void>;
  alerts(limit?: number): Promise<StoredAlert[]>;

  close(): Promise<void>;
}
