// A patch plan per workload: the image to move to (or the package versions to rebuild with) and the rollout.
import { esc } from '../../scorecard/html.js';
import { table } from '../layout.js';
import { definePage } from '../page.js';
import type { WorkloadPlan } from '../patch-plan.js';
import { buildPatchPlan } from '../patch-plan.js';

/** The same workload name in two clusters gets two sections: the anchor names the cluster too. */
function planAnchor(p: WorkloadPlan): string {
  return esc(`plan-${p.cluster}-${p.namespace}-${p.kind}-${p.name}`);
}

export const patchPlanPage = definePage<{ plans: WorkloadPlan[] }>({
  slug: 'patch-plan',
  apiName: 'patch-plan',
  title: 'Patch plan',
  filters: ['cluster', 'namespace', 'severity'],
  async load(ctx) {
    const scans = await ctx.store.latestImageScans();
    return { plans: buildPatchPlan(ctx.workloads, scans, ctx.filters) };
  },
  render(data) {
    const summary = table(
      'patch-plan',
      ['Cluster', 'Workload', 'Container', 'Fixable', 'Move to'],
      data.plans.flatMap((p) =>
        p.containers.map((c) => [
          `<span class="cluster">${esc(p.cluster)}</span>`,
          `<a href="#${planAnchor(p)}">${esc(`${p.namespace}/${p.kind}/${p.name}`)}</a>`,
          `${esc(c.container)}<br><code>${esc(c.image)}</code>`,
          String(c.fixable.length),
          c.moveTo
            ? `<code class="move-to">${esc(c.moveTo.reference)}</code>${c.moveTo.tags.length > 0 ? ` (${esc(c.moveTo.tags.join(', '))})` : ''}<br><span class="muted">fixes ${c.moveTo.fixes}, introduces ${c.moveTo.introduces}</span>`
            : `<span class="rebuild">rebuild with</span> ${c.upgrades.map((u) => `${esc(u.package)} ${esc(u.fixedIn.join(' or '))}`).join('; ')}`,
        ]),
      ),
      'Nothing to patch: no running image has a fixable vulnerability (under these filters).',
    );
    const details = data.plans
      .map(
        (p) =>
          `<section id="${planAnchor(p)}"><h3>${esc(`${p.cluster}: ${p.namespace}/${p.kind}/${p.name}`)}: ${p.strategy === 'canary' ? 'canary' : 'blue/green'} rollout</h3><ol class="checklist">${p.checklist.map((s) => `<li>${esc(s)}</li>`).join('')}</ol></section>`,
      )
      .join('\n');
    return `<section>${summary}</section>${details}`;
  },
});
