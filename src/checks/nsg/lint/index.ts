// The one list of NSG checks, and the pure step from NSGs to findings.
import type { Finding } from '../../../core/finding.js';
import { makeFinding, sortFindings } from '../../../core/finding.js';
import { createRegistry } from '../../../core/registry.js';
import type { Nsg } from '../model.js';
import type { NetworkContext } from '../network-context.js';
import { managementPortOpen } from './management-port-open.js';
import { overlyBroadAllow } from './overly-broad-allow.js';
import { ruleShadowed } from './rule-shadowed.js';
import type { NsgCheck } from './types.js';

export type { NsgCheck, NsgViolation } from './types.js';

export const NSG_CHECKS = createRegistry<NsgCheck>(
  'nsg check',
  [managementPortOpen, overlyBroadAllow, ruleShadowed],
  (c) => c.id,
);

export function lintNsgs(nsgs: readonly Nsg[], ctx: NetworkContext): Finding[] {
  const findings: Finding[] = [];
  for (const nsg of nsgs)
    for (const check of NSG_CHECKS.items)
      for (const v of check.evaluate(nsg, ctx))
        findings.push(
          makeFinding({
            ruleId: check.id,
            severity: check.severity,
            title: check.title,
            detail: v.message,
            category: check.category,
            target: {
              kind: 'NetworkSecurityGroupRule',
              name: `${nsg.name}/${v.rule.name}`,
              field: v.rule.path,
            },
            location: { file: nsg.file, line: 1, column: 1 },
            remediation: check.remediation,
            references: check.references,
            properties: { nsg: nsg.name, rule: v.rule.name, priority: v.rule.priority },
          }),
        );
  return sortFindings(findings);
}
