// `registry scan --format json` (the DriftReport): drift only, not the registry's full vulnerability state
// (that is in the store). Unknown-origin images and new or newly fixable vulnerabilities become registry
// findings; the area is not marked assessed by this file alone, so an image full of old vulnerabilities can
// never score 100 from it. A warning points at --store.
import { z } from 'zod';
import { SEVERITIES } from '../../core/severity.js';
import type { ScoredFinding } from '../model.js';
import type { InputReader } from './reader.js';
import { parseWith } from './reader.js';
import { vulnSeverity } from './vulnerability-report.js';

const vuln = z.object({
  id: z.string(),
  package: z.string(),
  fixedIn: z.array(z.string()),
  severity: z.enum([...SEVERITIES, 'unknown']),
});

const schema = z.object({
  schemaVersion: z.number(),
  target: z.string(),
  images: z.array(
    z.object({
      digest: z.string(),
      repository: z.string(),
      newVulnerabilities: z.array(vuln),
      fixAvailable: z.array(vuln),
      origin: z.string().optional(),
      originDetail: z.string().optional(),
    }),
  ),
});

export const registryDriftReader: InputReader = {
  kind: 'registry-drift',
  producedBy: 'registry scan (--format json)',
  detect: (doc) => Array.isArray(doc['images']) && 'run' in doc && 'target' in doc,
  read(doc, source) {
    const report = parseWith(schema, doc, source, 'registry scan report');
    const findings: ScoredFinding[] = [];
    for (const image of report.images) {
      const target = `${image.repository}@${image.digest}`;
      const base = { area: 'registry', source } as const;
      if (image.origin === 'unknown')
        findings.push({
          ...base,
          ruleId: 'image.unknown-origin',
          severity: 'high',
          title: 'Image of unknown origin',
          detail:
            image.originDetail ?? 'neither a trusted signature nor a recorded build vouches for this image',
          target,
        });
      for (const [list, what] of [
        [image.newVulnerabilities, 'new since the last scan'],
        [image.fixAvailable, 'fix now available'],
      ] as const)
        for (const v of list)
          findings.push({
            ...base,
            ruleId: v.id,
            severity: vulnSeverity(v.severity),
            title: `${v.id} in ${v.package}`,
            detail: `${what}${v.fixedIn.length > 0 ? `: fixed in ${v.fixedIn.join(', ')}` : ''}`,
            target: `${target} ${v.package}`,
          });
    }
    return {
      source,
      kind: 'registry-drift',
      assessed: [],
      findings,
      warnings: [
        `${source}: a registry scan report lists drift only; give --store for the registry's full vulnerability state`,
      ],
    };
  },
};
