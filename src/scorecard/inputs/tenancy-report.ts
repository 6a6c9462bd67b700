// `tenancy report --format json`: per namespace gaps, outside subjects and reachability become findings.
import { z } from 'zod';
import { SEVERITIES } from '../../core/severity.js';
import { KIND_AREAS } from '../area-map.js';
import type { ScoredFinding } from '../model.js';
import type { InputReader } from './reader.js';
import { parseWith } from './reader.js';

const schema = z.object({
  scoring: z.object({}).loose(),
  tenants: z.array(
    z.object({
      namespace: z.string(),
      gaps: z.array(
        z.object({
          ruleId: z.string(),
          severity: z.enum(SEVERITIES),
          title: z.string(),
          messages: z.array(z.string()),
        }),
      ),
      outsideSubjects: z.array(
        z.object({
          kind: z.string(),
          name: z.string(),
          namespace: z.string().optional(),
          scope: z.string(),
          actions: z.array(z.string()),
        }),
      ),
      reachableFrom: z.array(z.unknown()),
      internetReachable: z.boolean(),
      internetPorts: z.array(z.string()).optional(),
    }),
  ),
});

/** Outside subjects by scope; `member` subjects belong to the tenant and are not a gap. */
const SUBJECT_SEVERITY = { 'cross-tenant': 'high', 'cluster-wide': 'medium' } as const;

export const tenancyReportReader: InputReader = {
  kind: 'tenancy-report',
  producedBy: 'tenancy report (--format json)',
  detect: (doc) => Array.isArray(doc['tenants']) && 'scoring' in doc,
  read(doc, source) {
    const report = parseWith(schema, doc, source, 'tenancy report');
    const findings: ScoredFinding[] = [];
    for (const t of report.tenants) {
      const base = {
        area: 'isolation',
        target: `Namespace/${t.namespace}`,
        namespace: t.namespace,
        source,
      } as const;
      for (const gap of t.gaps)
        findings.push({
          ...base,
          ruleId: gap.ruleId,
          severity: gap.severity,
          title: gap.title,
          detail: gap.messages.join('; '),
        });
      for (const s of t.outsideSubjects) {
        const severity = SUBJECT_SEVERITY[s.scope as keyof typeof SUBJECT_SEVERITY];
        if (!severity) continue;
        const who = s.namespace ? `${s.kind} ${s.namespace}/${s.name}` : `${s.kind} ${s.name}`;
        findings.push({
          ...base,
          ruleId: 'tenancy.outside-subject',
          severity,
          title: 'Subject from outside the tenant can act in it',
          detail: `${who} (${s.scope}) can ${s.actions.join(', ')} in ${t.namespace}`,
        });
      }
      if (t.reachableFrom.length > 0)
        findings.push({
          ...base,
          ruleId: 'tenancy.reachable-from-namespaces',
          severity: 'medium',
          title: 'Pods reachable from other namespaces',
          detail: `${t.reachableFrom.length} other namespace(s) can reach pods in ${t.namespace}`,
        });
      if (t.internetReachable)
        findings.push({
          ...base,
          ruleId: 'tenancy.internet-reachable',
          severity: 'medium',
          title: 'Pods reachable from outside the cluster',
          detail: `addresses outside the cluster reach ${t.namespace} on ${(t.internetPorts ?? []).join(', ') || 'some port'}`,
        });
    }
    return {
      source,
      kind: 'tenancy-report',
      assessed: [...KIND_AREAS['tenancy-report']],
      findings,
      warnings: [],
    };
  },
};
