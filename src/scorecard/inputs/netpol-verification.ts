// `netpol verify --format json`: {results: [{from, to, port, protocol, expect, actual, reason}]}.
import { z } from 'zod';
import { KIND_AREAS } from '../area-map.js';
import type { ScoredFinding } from '../model.js';
import type { InputReader } from './reader.js';
import { parseWith } from './reader.js';

const schema = z.object({
  results: z.array(
    z.object({
      from: z.string(),
      to: z.string(),
      port: z.union([z.number(), z.string()]),
      protocol: z.string(),
      expect: z.string(),
      actual: z.string(),
      reason: z.string().optional(),
    }),
  ),
});

export const netpolVerificationReader: InputReader = {
  kind: 'netpol-verification',
  producedBy: 'netpol verify (--format json)',
  detect: (doc) => Array.isArray(doc['results']) && !('kind' in doc),
  read(doc, source) {
    const result = parseWith(schema, doc, source, 'netpol verification');
    const findings: ScoredFinding[] = result.results
      .filter((r) => r.expect !== r.actual)
      .map((r) => ({
        area: 'network',
        // Traffic that flows against expectations is an exposure; traffic blocked is an outage, not a hole.
        ruleId: r.actual === 'allow' ? 'netpol.unexpected-allow' : 'netpol.unexpected-deny',
        severity: r.actual === 'allow' ? 'high' : 'low',
        title:
          r.actual === 'allow'
            ? 'Connection allowed against expectation'
            : 'Connection denied against expectation',
        detail: `${r.from} -> ${r.to} ${r.protocol}/${r.port}: expected ${r.expect}, got ${r.actual}${r.reason ? `: ${r.reason}` : ''}`,
        target: `${r.from} -> ${r.to}`,
        source,
      }));
    return {
      source,
      kind: 'netpol-verification',
      assessed: [...KIND_AREAS['netpol-verification']],
      findings,
      warnings: [],
    };
  },
};
