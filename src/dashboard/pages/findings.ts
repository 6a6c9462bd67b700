// Findings by severity and namespace over time, from the posture snapshots `serve` keeps.
import type { Severity } from '../../core/severity.js';
import { SEVERITIES, atOrAbove } from '../../core/severity.js';
import { esc, severityBadge } from '../../scorecard/html.js';
import { lineChart } from '../chart.js';
import { table } from '../layout.js';
import { definePage } from '../page.js';
import { byText } from '../vulns.js';

/** Snapshots on the chart, newest last. */
export const HISTORY_POINTS = 60;

interface Point {
  takenAt: string;
  counts: Record<Severity, number>;
}

interface NamespaceRow {
  namespace: string;
  severity: Severity;
  count: number;
}

export const findingsPage = definePage<{ history: Point[]; latest: NamespaceRow[]; takenAt: string | null }>({
  slug: 'findings',
  apiName: 'findings',
  title: 'Findings over time',
  filters: ['cluster', 'namespace', 'severity'],
  async load(ctx) {
    const { cluster, namespace, severity } = ctx.filters;
    const keep = (c: { namespace: string; severity: Severity }): boolean =>
      (!namespace || c.namespace === namespace) && (!severity || atOrAbove(c.severity, severity));
    // Without a cluster filter a fleet's passes interleave: each point is then one cluster's pass.
    const snapshots = (await ctx.store.postureHistory(HISTORY_POINTS, cluster)).slice().reverse();
    const history = snapshots.map((s) => {
      const counts = Object.fromEntries(SEVERITIES.map((sev) => [sev, 0])) as Record<Severity, number>;
      for (const c of s.counts) if (keep(c)) counts[c.severity] += c.count;
      return { takenAt: s.takenAt, counts };
    });
    const newest = snapshots.at(-1);
    const latest = (newest?.counts ?? [])
      .filter(keep)
      .filter((c) => c.count > 0)
      .map((c) => ({ namespace: c.namespace, severity: c.severity, count: c.count }))
      .sort(
        (a, b) =>
          byText(a.namespace, b.namespace) || SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity),
      );
    return { history, latest, takenAt: newest?.takenAt ?? null };
  },
  render(data) {
    const chart =
      data.history.length === 0
        ? '<p class="muted">No posture snapshots yet: <code>kubeward serve</code> records one per pass.</p>'
        : lineChart(
            data.history.map((p) => ({ label: p.takenAt, values: p.counts })),
            'Findings by severity per posture pass',
          );
    const rows = data.latest.map((r) => [
      esc(r.namespace || '(cluster-scoped)'),
      severityBadge(r.severity),
      String(r.count),
    ]);
    return `<section><h2>By severity over time</h2>${chart}</section>
<section><h2>By namespace${data.takenAt ? `, pass of ${esc(data.takenAt)}` : ''}</h2>${table('findings-by-namespace', ['Namespace', 'Severity', 'Findings'], rows, 'No findings match.')}</section>`;
  },
});
