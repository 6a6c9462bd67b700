// The findings report of `scan`, `cluster audit`, `secrets scan` and `nsg lint` (docs/report.schema.json).
import { z } from 'zod';
import { SEVERITIES } from '../../core/severity.js';
import { areaOf } from '../area-map.js';
import type { AreaId, ScoredFinding } from '../model.js';
import type { InputReader } from './reader.js';
import { parseWith } from './reader.js';

const schema = z.object({
  schemaVersion: z.number(),
  rules: z.array(z.object({ id: z.string(), category: z.string().optional() })),
  findings: z.array(
    z.object({
      ruleId: z.string(),
      severity: z.enum(SEVERITIES),
      title: z.string(),
      detail: z.string(),
      category: z.string().optional(),
      target: z.object({
        kind: z.string(),
        name: z.string(),
        namespace: z.string().optional(),
      }),
      location: z.object({ file: z.string(), line: z.number() }).optional(),
    }),
  ),
});

export const findingsReportReader: InputReader = {
  kind: 'findings-report',
  producedBy: 'scan, cluster audit, secrets scan, nsg lint (--format json)',
  detect: (doc) => 'schemaVersion' in doc && Array.isArray(doc['findings']) && Array.isArray(doc['rules']),
  read(doc, source) {
    const report = parseWith(schema, doc, source, 'findings report');
    const assessed = new Set<AreaId>();
    const warnings: string[] = [];
    for (const rule of report.rules) {
      const area = areaOf(rule.id, rule.category);
      if (area) assessed.add(area);
    }
    const findings: ScoredFinding[] = [];
    const unmapped = new Set<string>();
    for (const f of report.findings) {
      const area = areaOf(f.ruleId, f.category);
      if (!area) {
        unmapped.add(f.ruleId);
        continue;
      }
      assessed.add(area);
      const t = f.target;
      findings.push({
        area,
        ruleId: f.ruleId,
        severity: f.severity,
        title: f.title,
        detail: f.detail,
        target: t.namespace ? `${t.kind}/${t.namespace}/${t.name}` : `${t.kind}/${t.name}`,
        ...(t.namespace ? { namespace: t.namespace } : t.kind === 'Namespace' ? { namespace: t.name } : {}),
        ...(f.location ? { location: `${f.location.file}:${f.location.line}` } : {}),
        source,
      });
    }
    for (const id of [...unmapped].sort())
      warnings.push(`${source}: rule ${id} belongs to no scorecard area; its findings are not scored`);
    return { source, kind: 'findings-report', assessed: [...assessed], findings, warnings };
  },
};
