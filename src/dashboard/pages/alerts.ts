// Runtime alerts from the audit-event rules, newest first.
import { atOrAbove, isSeverity } from '../../core/severity.js';
import type { StoredAlert } from '../../store/model.js';
import { esc, severityBadge } from '../../scorecard/html.js';
import { table } from '../layout.js';
import { definePage } from '../page.js';

/** Newest alerts read per request. */
export const ALERT_LIMIT = 500;

export const alertsPage = definePage<{ alerts: StoredAlert[] }>({
  slug: 'alerts',
  apiName: 'alerts',
  title: 'Runtime alerts',
  filters: ['namespace', 'severity'],
  async load(ctx) {
    const { namespace, severity } = ctx.filters;
    const alerts = (await ctx.store.alerts(ALERT_LIMIT)).filter(
      (a) =>
        (!namespace || a.namespace === namespace) &&
        (!severity || (isSeverity(a.priority) && atOrAbove(a.priority, severity))),
    );
    return { alerts };
  },
  render(data) {
    const rows = data.alerts.map((a) => [
      esc(a.time),
      isSeverity(a.priority) ? severityBadge(a.priority) : esc(a.priority),
      `<code>${esc(a.rule)}</code>`,
      esc(a.namespace ?? '-'),
      esc(a.user ?? '-'),
      esc(a.message),
    ]);
    return table(
      'alerts',
      ['Time', 'Priority', 'Rule', 'Namespace', 'User', 'Message'],
      rows,
      'No runtime alerts match.',
    );
  },
});
