// `runtime analyze --format json`: {alerts: [...], events, skipped}; each alert is a runtime finding.
import { z } from 'zod';
import { SEVERITIES } from '../../core/severity.js';
import { KIND_AREAS } from '../area-map.js';
import type { ScoredFinding } from '../model.js';
import type { InputReader } from './reader.js';
import { parseWith } from './reader.js';

const schema = z.object({
  alerts: z.array(
    z.object({
      rule: z.string(),
      priority: z.enum(SEVERITIES),
      auditID: z.string().nullish(),
      user: z.string().nullish(),
      verb: z.string().nullish(),
      resource: z.string().nullish(),
      namespace: z.string().nullish(),
      name: z.string().nullish(),
      message: z.string(),
      time: z.string().nullish(),
    }),
  ),
});

export const runtimeAlertsReader: InputReader = {
  kind: 'runtime-alerts',
  producedBy: 'runtime analyze (--format json)',
  detect: (doc) => Array.isArray(doc['alerts']),
  read(doc, source) {
    const result = parseWith(schema, doc, source, 'runtime alerts');
    const findings: ScoredFinding[] = result.alerts.map((a) => ({
      area: 'runtime',
      ruleId: `runtime.${a.rule}`,
      severity: a.priority,
      title: a.rule,
      detail: a.message,
      target:
        [a.resource, a.namespace, a.name].filter((p): p is string => Boolean(p)).join('/') ||
        (a.user ?? 'cluster'),
      ...(a.namespace ? { namespace: a.namespace } : {}),
      ...(a.auditID ? { location: `auditID ${a.auditID}` } : {}),
      source,
    }));
    return {
      source,
      kind: 'runtime-alerts',
      assessed: [...KIND_AREAS['runtime-alerts']],
      findings,
      warnings: [],
    };
  },
};
