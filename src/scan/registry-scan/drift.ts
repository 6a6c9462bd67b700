/**
 * The drift report: a pure function of each digest's previous and current scan. For a digest scanned before,
 * what changed although the image did not: vulnerabilities that are new (new advisories), ones whose fix became
 * available, and ones that disappeared (withdrawn or corrected advisories). Plus digests never scanned before,
 * images of unknown origin, and what this run could not scan.
 */
import type { ImageOrigin, ImageScanRecord, StoredVuln } from '../../store/model.js';
import type { ImageState, RegistryScanResult } from './scan-registry.js';
import { cmp } from './stored-vulns.js';

export const DRIFT_SCHEMA_VERSION = 1;

export interface DriftVuln extends StoredVuln {
  /** For fix-available items: what the previous scan said. */
  previous?: { status: StoredVuln['status']; fixedIn: string[] };
}

export interface ImageDrift {
  digest: string;
  repository: string;
  references: string[];
  state: ImageState;
  /** No successful scan of this digest existed before this run. */
  isNew: boolean;
  dbVersion?: string;
  previousDbVersion?: string;
  previousScannedAt?: string;
  vulnerabilities?: number;
  newVulnerabilities: DriftVuln[];
  fixAvailable: DriftVuln[];
  disappeared: DriftVuln[];
  origin?: ImageOrigin;
  originDetail?: string;
  error?: string;
}

export interface DriftReport {
  schemaVersion: number;
  tool: { name: 'kubeward'; version: string };
  generatedAt: string;
  target: string;
  run: {
    id: string;
    resumed: boolean;
    complete: boolean;
    startedAt: string;
    finishedAt?: string;
    stopReason?: string;
  };
  dbVersion: string;
  summary: {
    repositories: number;
    tags: number;
    digests: number;
    scanned: number;
    scannedEarlier: number;
    failed: number;
    notScanned: number;
    newDigests: number;
    unknownOrigin: number;
    newVulnerabilities: number;
    fixAvailable: number;
    disappeared: number;
  };
  images: ImageDrift[];
  problems: string[];
  warnings: string[];
}

export function buildDriftReport(
  result: RegistryScanResult,
  meta: { generatedAt: string; toolVersion: string },
): DriftReport {
  const images = result.images.map((image): ImageDrift => {
    const changes = image.current ? compareScans(image.previous, image.current) : emptyChanges();
    return {
      digest: image.digest,
      repository: image.repository,
      references: [...image.references].sort(),
      state: image.state,
      isNew: image.previous === undefined,
      ...(image.current ? { dbVersion: image.current.dbVersion } : {}),
      ...(image.previous
        ? { previousDbVersion: image.previous.dbVersion, previousScannedAt: image.previous.scannedAt }
        : {}),
      ...(image.current ? { vulnerabilities: image.current.vulnerabilities.length } : {}),
      ...changes,
      ...(image.current?.origin ? { origin: image.current.origin } : {}),
      ...(image.originDetail ? { originDetail: image.originDetail } : {}),
      ...(image.error ? { error: image.error } : {}),
    };
  });
  const count = (f: (i: ImageDrift) => boolean | number): number =>
    images.reduce((n, i) => n + Number(f(i)), 0);
  return {
    schemaVersion: DRIFT_SCHEMA_VERSION,
    tool: { name: 'kubeward', version: meta.toolVersion },
    generatedAt: meta.generatedAt,
    target: result.target,
    run: {
      id: result.runId,
      resumed: result.resumed,
      complete: result.complete,
      startedAt: result.startedAt,
      ...(result.finishedAt ? { finishedAt: result.finishedAt } : {}),
      ...(result.stopReason ? { stopReason: result.stopReason } : {}),
    },
    dbVersion: result.dbVersion,
    summary: {
      repositories: result.repositories,
      tags: result.tags,
      digests: images.length,
      scanned: count((i) => i.state === 'scanned'),
      scannedEarlier: count((i) => i.state === 'done-earlier'),
      failed: count((i) => i.state === 'failed'),
      notScanned: count((i) => i.state === 'not-scanned'),
      newDigests: count((i) => i.isNew && i.dbVersion !== undefined),
      unknownOrigin: count((i) => i.origin === 'unknown'),
      newVulnerabilities: count((i) => i.newVulnerabilities.length),
      fixAvailable: count((i) => i.fixAvailable.length),
      disappeared: count((i) => i.disappeared.length),
    },
    images,
    problems: [...result.problems],
    warnings: [...result.warnings],
  };
}

type Changes = Pick<ImageDrift, 'newVulnerabilities' | 'fixAvailable' | 'disappeared'>;

function emptyChanges(): Changes {
  return { newVulnerabilities: [], fixAvailable: [], disappeared: [] };
}

/**
 * Vulnerabilities are the same when they are in the same package and share a name (id or alias): a database
 * update may change which record represents a merged vulnerability, and that is not drift.
 */
export function compareScans(previous: ImageScanRecord | undefined, current: ImageScanRecord): Changes {
  if (!previous) return emptyChanges();
  const matchIn = (list: readonly StoredVuln[], v: StoredVuln): StoredVuln | undefined => {
    const names = new Set([v.id, ...v.aliases]);
    return list.find((o) => o.package === v.package && [o.id, ...o.aliases].some((n) => names.has(n)));
  };
  const changes = emptyChanges();
  for (const now of current.vulnerabilities) {
    const before = matchIn(previous.vulnerabilities, now);
    if (!before) changes.newVulnerabilities.push(now);
    else if (!hasFix(before) && hasFix(now)) {
      changes.fixAvailable.push({ ...now, previous: { status: before.status, fixedIn: before.fixedIn } });
    }
  }
  for (const before of previous.vulnerabilities) {
    if (!matchIn(current.vulnerabilities, before)) changes.disappeared.push(before);
  }
  const order = (a: StoredVuln, b: StoredVuln): number => cmp(a.package, b.package) || cmp(a.id, b.id);
  changes.newVulnerabilities.sort(order);
  changes.fixAvailable.sort(order);
  changes.disappeared.sort(order);
  return changes;
}

function hasFix(v: StoredVuln): boolean {
  return v.status === 'fixed' || v.fixedIn.length > 0;
}
