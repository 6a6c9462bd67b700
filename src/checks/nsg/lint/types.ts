/** NSG findings are not about Kubernetes objects, so they have their own small check shape. */
import type { RuleMeta } from '../../../core/finding.js';
import type { Nsg, NsgRule } from '../model.js';
import type { NetworkContext } from '../network-context.js';

export interface NsgViolation {
  rule: NsgRule;
  message: string;
}

export interface NsgCheck extends RuleMeta {
  evaluate(nsg: Nsg, ctx: NetworkContext): NsgViolation[];
}

export function defineNsgCheck(check: NsgCheck): NsgCheck {
  if (!/^nsg\.[a-z0-9-]+$/.test(check.id))
    throw new Error(`NSG check id "${check.id}" must be nsg.kebab-case`);
  return check;
}
