// Drift since the last scans: for every digest, the newest scan against the one before (new vulnerabilities,
// fixes that became available, vulnerabilities that disappeared), usually after a database update. The
// comparison is registry scan's own (`compareScans`), so the page and `kubeward registry scan` never disagree.
import { compareScans } from '../../scan/registry-scan/drift.js';
import type { StoredVuln } from '../../store/model.js';
import { esc, severityBadge } from '../../scorecard/html.js';
import { namespacesByDigest } from '../context.js';
import { table } from '../layout.js';
import { definePage } from '../page.js';
import { byText, isFixable, meetsSeverity, packageName } from '../vulns.js';

export interface DriftRow {
  repository: string;
  digest: string;
  namespaces: string[];
  previousScan: string;
  latestScan: string;
  previousDb: string;
  latestDb: string;
  newVulnerabilities: StoredVuln[];
  fixAvailable: StoredVuln[];
  disappeared: StoredVuln[];
}

export const driftPage = definePage<{ drift: DriftRow[] }>({
  slug: 'drift',
  apiName: 'drift',
  title: 'Drift since the last scans',
  filters: ['namespace', 'severity', 'fixable'],
  async load(ctx) {
    const { namespace, severity, fixable } = ctx.filters;
    const where = namespacesByDigest(ctx.workloads);
    const keep = (v: StoredVuln): boolean =>
      meetsSeverity(v.severity, severity) && (!fixable || isFixable(v));
    const drift: DriftRow[] = [];
    for (const scan of await ctx.store.latestImageScans()) {
      const namespaces = where.get(scan.digest) ?? [];
      if (namespace && !namespaces.includes(namespace)) continue;
      const [latest, previous] = await ctx.store.imageScans(scan.digest, 2);
      if (!latest || !previous || latest.error !== undefined || previous.error !== undefined) continue;
      const diff = compareScans(previous, latest);
      const row: DriftRow = {
        repository: latest.repository,
        digest: latest.digest,
        namespaces,
        previousScan: previous.scannedAt,
        latestScan: latest.scannedAt,
        previousDb: previous.dbVersion,
        latestDb: latest.dbVersion,
        newVulnerabilities: diff.newVulnerabilities.filter(keep),
        fixAvailable: diff.fixAvailable.filter(keep),
        // A vulnerability that went away is good news whatever the fixable filter says.
        disappeared: diff.disappeared.filter((v) => meetsSeverity(v.severity, severity)),
      };
      if (row.newVulnerabilities.length + row.fixAvailable.length + row.disappeared.length > 0)
        drift.push(row);
    }
    drift.sort((a, b) => byText(a.repository, b.repository) || byText(a.digest, b.digest));
    return { drift };
  },
  render(data) {
    const list = (vulns: StoredVuln[], cls: string): string =>
      vulns.length === 0
        ? '-'
        : `<ul class="${cls}">${vulns
            .map(
              (v) =>
                `<li>${severityBadge(v.severity)} <code>${esc(v.id)}</code> ${esc(packageName(v))}${v.fixedIn.length > 0 ? ` &rarr; ${esc(v.fixedIn.join(', '))}` : ''}</li>`,
            )
            .join('')}</ul>`;
    const rows = data.drift.map((d) => [
      `${esc(d.repository)}<br><code>${esc(d.digest.slice(0, 19))}</code>`,
      `${esc(d.previousScan)} &rarr; ${esc(d.latestScan)}<br><span class="muted">db ${esc(d.previousDb)} &rarr; ${esc(d.latestDb)}</span>`,
      list(d.newVulnerabilities, 'added'),
      list(d.fixAvailable, 'fix-available'),
      list(d.disappeared, 'disappeared'),
    ]);
    return table(
      'drift',
      ['Image', 'Scans', 'New', 'Fix available', 'Disappeared'],
      rows,
      'No drift: no digest has two scans that differ (under these filters).',
    );
  },
});
