// What `serve` and registry scans keep in the store, as scorecard inputs: the latest image scans (registry),
// the newest posture snapshot of each cluster (the manifest checks over it) and the runtime alerts.
import { SEVERITIES } from '../core/severity.js';
import type { ImageScanRecord, PostureSnapshot, StoredAlert, Store } from '../store/model.js';
import { DEFAULT_CLUSTER } from '../store/model.js';
import { POSTURE_AREAS, STORE_RECORD_AREAS } from './area-map.js';
import { findingsReportReader } from './inputs/findings-report.js';
import { isRecord } from './inputs/reader.js';
import { vulnSeverity } from './inputs/vulnerability-report.js';
import type { AreaId, ScoredFinding, SourceResult } from './model.js';

export const STORE_SOURCE = 'store';
/** Alerts beyond this many (newest first) are left out of the scorecard. */
export const STORE_ALERT_LIMIT = 1000;

export async function readStore(store: Store): Promise<SourceResult> {
  const [scans, snapshots, alerts] = await Promise.all([
    store.latestImageScans(),
    newestPerCluster(store),
    store.alerts(STORE_ALERT_LIMIT),
  ]);
  const assessed = new Set<AreaId>();
  const findings: ScoredFinding[] = [];
  const warnings: string[] = [];
  const scanned = scans.filter((s) => s.error === undefined);
  if (scanned.length > 0) assessed.add(STORE_RECORD_AREAS.imageScans);
  for (const scan of scanned) findings.push(...imageScanFindings(scan));
  // A fleet sharing the store: each cluster's newest pass counts, and its label names the cluster.
  const fleet = snapshots.length > 1;
  for (const snapshot of snapshots) {
    for (const area of POSTURE_AREAS) assessed.add(area);
    const valid = snapshot.findings.filter(isRecord);
    const pass = fleet ? `${snapshot.cluster ?? DEFAULT_CLUSTER} ${snapshot.takenAt}` : snapshot.takenAt;
    try {
      const posture = findingsReportReader.read(
        { schemaVersion: 1, rules: [], findings: valid },
        `${STORE_SOURCE} (posture ${pass})`,
      );
      findings.push(...posture.findings);
      warnings.push(...posture.warnings);
    } catch (error) {
      warnings.push(`posture snapshot ${pass}: ${(error as Error).message}`);
    }
  }
  if (alerts.length > 0) assessed.add(STORE_RECORD_AREAS.alerts);
  for (const alert of alerts) findings.push(alertFinding(alert));
  return { source: STORE_SOURCE, kind: 'store', assessed: [...assessed], findings, warnings };
}

/**
 * The newest posture snapshot of every cluster, ordered by cluster name. The store keeps the findings of each
 * cluster's newest snapshot, so none comes back empty.
 */
async function newestPerCluster(store: Store): Promise<PostureSnapshot[]> {
  const clusters = await store.clusters();
  const perCluster = await Promise.all(
    clusters.map(async (cluster) => (await store.postureHistory(1, cluster))[0]),
  );
  return perCluster.filter((s): s is PostureSnapshot => s !== undefined);
}

export function imageLabel(scan: Pick<ImageScanRecord, 'repository' | 'digest'>): string {
  return `${scan.repository}@${scan.digest}`;
}

function imageScanFindings(scan: ImageScanRecord): ScoredFinding[] {
  const area = STORE_RECORD_AREAS.imageScans;
  const image = imageLabel(scan);
  const out: ScoredFinding[] = scan.vulnerabilities.map((v) => ({
    area,
    ruleId: v.id,
    severity: vulnSeverity(v.severity),
    title: `${v.id} in ${v.package}`,
    detail: v.fixedIn.length > 0 ? `fixed in ${v.fixedIn.join(', ')}` : `no fix (${v.status})`,
    target: `${image} ${v.package}`,
    source: STORE_SOURCE,
  }));
  if (scan.origin === 'unknown')
    out.push({
      area,
      ruleId: 'image.unknown-origin',
      severity: 'high',
      title: 'Image of unknown origin',
      detail: 'neither a trusted signature nor a recorded build vouches for this image',
      target: image,
      source: STORE_SOURCE,
    });
  else if (scan.origin === 'ledger')
    out.push({
      area,
      ruleId: 'image.unsigned',
      severity: 'low',
      title: 'Image not signed',
      detail: 'a recorded build vouches for this image, but it carries no trusted signature',
      target: image,
      source: STORE_SOURCE,
    });
  return out;
}

function alertFinding(alert: StoredAlert): ScoredFinding {
  const severity = (SEVERITIES as readonly string[]).includes(alert.priority)
    ? (alert.priority as ScoredFinding['severity'])
    : 'medium';
  return {
    area: STORE_RECORD_AREAS.alerts,
    ruleId: `runtime.${alert.rule}`,
    severity,
    title: alert.rule,
    detail: alert.message,
    target: alert.namespace ?? alert.user ?? 'cluster',
    ...(alert.namespace ? { namespace: alert.namespace } : {}),
    location: alert.time,
    source: STORE_SOURCE,
  };
}
