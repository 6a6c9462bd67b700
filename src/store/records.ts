/**
 * What both backends share: validating records on the way in and decoding rows on the way out, so SQLite and
 * PostgreSQL cannot drift apart in what they accept or return. Array fields travel as JSON text.
 */
import { InputError } from '../core/errors.js';
import type { Severity } from '../core/severity.js';
import type {
  BuildRecord,
  ImageOrigin,
  ImageScanRecord,
  PostureSnapshot,
  RunItem,
  ScanRun,
  StoredAlert,
  StoredVuln,
  WorkloadRecord,
} from './model.js';
import { DEFAULT_CLUSTER, DEFAULT_HISTORY_LIMIT } from './model.js';

/** The most rows one query returns, whatever limit a caller (perhaps an HTTP query string) asks for. */
export const MAX_QUERY_LIMIT = 10_000;

const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/** Milliseconds since the epoch of an ISO 8601 timestamp; the stored sort key, so mixed offsets order as times. */
export function timestampMs(value: string, field: string): number {
  const ms = typeof value === 'string' && ISO_8601.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new InputError(
      `store: ${field}: not an ISO 8601 timestamp: ${JSON.stringify(value)?.slice(0, 80)}`,
    );
  }
  return ms;
}

export function queryLimit(limit: number | undefined, fallback: number = DEFAULT_HISTORY_LIMIT): number {
  if (limit === undefined) return fallback;
  if (!Number.isInteger(limit) || limit < 0) {
    throw new InputError(`store: limit must be a non-negative integer, got ${String(limit)}`);
  }
  return Math.min(limit, MAX_QUERY_LIMIT);
}

export function requireText(value: string, field: string): string {
  if (typeof value !== 'string' || value === '')
    throw new InputError(`store: ${field}: must be a non-empty string`);
  return value;
}

/**
 * Bounds of the index range holding repositories under `prefix` as whole path segments: `p` itself is matched
 * by equality, `p/...` by `[p/, p0)` because '0' is the character after '/'. Byte-wise comparison is needed,
 * which SQLite does by default and PostgreSQL does on the `COLLATE "C"` columns.
 */
export function repositoryRange(prefix: string): { exact: string; from: string; to: string } {
  const base = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  return { exact: base, from: `${base}/`, to: `${base}0` };
}

function count(value: number, field: string): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new InputError(`store: ${field}: must be a non-negative integer`);
  return value;
}

export interface ImageScanRow {
  digest: string;
  repository: string;
  tags: string;
  scanned_at: string;
  db_version: string;
  packages: number;
  vulnerabilities: string;
  origin: string | null;
  error: string | null;
}

export function encodeImageScan(record: ImageScanRecord): ImageScanRow & { scanned_ms: number } {
  return {
    digest: requireText(record.digest, 'image scan digest'),
    repository: requireText(record.repository, 'image scan repository'),
    tags: JSON.stringify(record.tags ?? []),
    scanned_at: record.scannedAt,
    scanned_ms: timestampMs(record.scannedAt, 'image scan scannedAt'),
    db_version: record.dbVersion ?? '',
    packages: count(record.packages, 'image scan packages'),
    vulnerabilities: JSON.stringify(record.vulnerabilities ?? []),
    origin: record.origin ?? null,
    error: record.error ?? null,
  };
}

export function decodeImageScan(row: ImageScanRow): ImageScanRecord {
  return {
    digest: row.digest,
    repository: row.repository,
    tags: parseJsonArray<string>(row.tags, 'image scan tags'),
    scannedAt: row.scanned_at,
    dbVersion: row.db_version,
    packages: Number(row.packages),
    vulnerabilities: parseJsonArray<StoredVuln>(row.vulnerabilities, 'image scan vulnerabilities'),
    ...(row.origin !== null ? { origin: row.origin as ImageOrigin } : {}),
    ...(row.error !== null ? { error: row.error } : {}),
  };
}

export interface BuildRow {
  digest: string;
  repository: string;
  pipeline: string;
  recorded_at: string;
}

export function decodeBuild(row: BuildRow): BuildRecord {
  return {
    digest: row.digest,
    repository: row.repository,
    pipeline: row.pipeline,
    recordedAt: row.recorded_at,
  };
}

export interface RunRow {
  id: string;
  target: string;
  started_at: string;
  finished_at: string | null;
  db_version: string;
}

export function decodeRun(row: RunRow): ScanRun {
  return {
    id: row.id,
    target: row.target,
    startedAt: row.started_at,
    ...(row.finished_at !== null ? { finishedAt: row.finished_at } : {}),
    dbVersion: row.db_version,
  };
}

export interface RunItemRow {
  run_id: string;
  repository: string;
  tag: string;
  digest: string;
  done: number | boolean;
}

export function decodeRunItem(row: RunItemRow): RunItem {
  return {
    runId: row.run_id,
    repository: row.repository,
    tag: row.tag,
    digest: row.digest,
    done: Boolean(row.done),
  };
}

export function validateRunItem(item: RunItem): void {
  requireText(item.runId, 'run item runId');
  requireText(item.repository, 'run item repository');
  requireText(item.tag, 'run item tag');
  requireText(item.digest, 'run item digest');
}

/** The most characters of a cluster name: a kubeconfig context name fits; a hostile query string does not. */
export const MAX_CLUSTER_NAME = 253;

/**
 * Why a cluster name cannot be stored, or undefined when it can: it must be non-empty, bounded and free of
 * control characters (it is shown on the dashboard and printed in logs). Context names such as EKS ARNs fit.
 */
export function clusterNameProblem(value: string): string | undefined {
  if (typeof value !== 'string' || value === '') return 'must not be empty';
  if (value.length > MAX_CLUSTER_NAME) return `must be at most ${MAX_CLUSTER_NAME} characters`;
  if (/\p{Cc}/u.test(value)) return 'must not contain control characters';
  return undefined;
}

/** A cluster name as stored; `undefined` means DEFAULT_CLUSTER. */
export function clusterName(value: string | undefined, field = 'cluster'): string {
  if (value === undefined) return DEFAULT_CLUSTER;
  const problem = clusterNameProblem(value);
  if (problem) throw new InputError(`store: ${field}: ${problem}`);
  return value;
}

export interface WorkloadRow {
  cluster: string;
  namespace: string;
  kind: string;
  name: string;
  images: string;
  seen_at: string;
}

export function decodeWorkload(row: WorkloadRow): WorkloadRecord {
  return {
    cluster: row.cluster,
    namespace: row.namespace,
    kind: row.kind,
    name: row.name,
    images: parseJsonArray<WorkloadRecord['images'][number]>(row.images, 'workload images'),
    seenAt: row.seen_at,
  };
}

/** Last record wins when a pass lists one workload twice, as a later watch event would. */
export function dedupeWorkloads(workloads: readonly WorkloadRecord[]): WorkloadRecord[] {
  const byKey = new Map<string, WorkloadRecord>();
  for (const w of workloads) {
    requireText(w.kind, 'workload kind');
    requireText(w.name, 'workload name');
    byKey.set(JSON.stringify([w.namespace ?? '', w.kind, w.name]), w);
  }
  return [...byKey.values()];
}

export interface PostureRow {
  cluster: string;
  taken_at: string;
  counts: string;
  findings: string;
}

export function decodePosture(row: PostureRow): PostureSnapshot {
  return {
    takenAt: row.taken_at,
    cluster: row.cluster,
    counts: parseJsonArray<{ namespace: string; severity: Severity; count: number }>(
      row.counts,
      'posture counts',
    ),
    findings: parseJsonArray<unknown>(row.findings, 'posture findings'),
  };
}

export interface AlertRow {
  rule: string;
  priority: string;
  time: string;
  message: string;
  namespace: string | null;
  user_name: string | null;
}

export function decodeAlert(row: AlertRow): StoredAlert {
  return {
    rule: row.rule,
    priority: row.priority,
    time: row.time,
    message: row.message,
    ...(row.namespace !== null ? { namespace: row.namespace } : {}),
    ...(row.user_name !== null ? { user: row.user_name } : {}),
  };
}

function parseJsonArray<T>(text: string, field: string): T[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InputError(`store: ${field}: stored value is not JSON (damaged store?)`);
  }
  if (!Array.isArray(value)) throw new InputError(`store: ${field}: stored value is not a JSON array`);
  return value as T[];
}
