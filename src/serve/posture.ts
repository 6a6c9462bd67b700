// Posture checks over the watched objects: the same pure evaluation as `kubeward scan` (practices, Pod
// Security per namespace labels, RBAC and network checks), summarised by namespace and severity for history.
import type { Clock } from '../core/clock.js';
import type { Finding } from '../core/finding.js';
import type { Severity } from '../core/severity.js';
import { liveObject } from '../k8s/cluster-state.js';
import type { JsonObject } from '../k8s/object.js';
import type { Config } from '../scan/config.js';
import { evaluateObjects } from '../scan/scan-manifests.js';
import type { PostureSnapshot } from '../store/model.js';

export interface PostureOptions {
  clock: Clock;
  config?: Config;
  /** Names the source of the objects in findings (the API server). */
  source: string;
}

export function takePostureSnapshot(
  objects: readonly JsonObject[],
  options: PostureOptions,
): PostureSnapshot {
  const k8sObjects = objects.flatMap((o) => liveObject(o, options.source) ?? []);
  const report = evaluateObjects(k8sObjects, {
    clock: options.clock,
    ...(options.config ? { config: options.config } : {}),
  });
  return {
    takenAt: report.generatedAt,
    counts: countFindings(report.findings),
    // Source locations say nothing about a live object (always line 1 of the API server): left out.
    findings: report.findings.map(({ location: _location, ...rest }) => rest),
  };
}

export function countFindings(findings: readonly Finding[]): PostureSnapshot['counts'] {
  const counts = new Map<string, { namespace: string; severity: Severity; count: number }>();
  for (const f of findings) {
    const namespace = f.target.namespace ?? '';
    const key = `${namespace}\u0000${f.severity}`;
    const entry = counts.get(key) ?? { namespace, severity: f.severity, count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) =>
    a.namespace !== b.namespace
      ? a.namespace < b.namespace
        ? -1
        : 1
      : a.severity < b.severity
        ? -1
        : a.severity > b.severity
          ? 1
          : 0,
  );
}
