// `verify --format json`: {kind: notation|cosign|gpg, accepted, ...}; a rejected image is a registry finding.
import { z } from 'zod';
import { KIND_AREAS } from '../area-map.js';
import type { ScoredFinding } from '../model.js';
import type { InputReader } from './reader.js';
import { parseWith } from './reader.js';

const schema = z.object({
  kind: z.enum(['notation', 'cosign', 'gpg']),
  accepted: z.boolean(),
  reference: z.string().optional(),
  artifact: z.string().optional(),
  reason: z.string().optional(),
});

export const signatureVerificationReader: InputReader = {
  kind: 'signature-verification',
  producedBy: 'verify (--format json)',
  detect: (doc) => typeof doc['accepted'] === 'boolean' && 'kind' in doc,
  read(doc, source) {
    const result = parseWith(schema, doc, source, 'signature verification');
    const subject = result.reference ?? result.artifact ?? 'image';
    const findings: ScoredFinding[] = result.accepted
      ? []
      : [
          {
            area: 'registry',
            ruleId: 'signature.rejected',
            severity: 'high',
            title: `Image signature rejected (${result.kind})`,
            detail: result.reason ?? 'no signature satisfied the policy',
            target: subject,
            source,
          },
        ];
    return {
      source,
      kind: 'signature-verification',
      assessed: [...KIND_AREAS['signature-verification']],
      findings,
      warnings: [],
    };
  },
};
