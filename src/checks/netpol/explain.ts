/** One-line reasons for verdicts, naming the deciding policies and rules. */
import type { Connection, SideVerdict, Verdict } from './evaluate.js';
import { endpointLabel } from './endpoint.js';
import type { Direction } from './model.js';
import { policyRef } from './model.js';

export function ruleRef(policyName: string, direction: Direction, index: number): string {
  return `${policyName} ${direction}[${index}]`;
}

export function explainSide(side: SideVerdict, direction: Direction, connection: Connection): string {
  const self = endpointLabel(direction === 'egress' ? connection.from : connection.to);
  const what = `${connection.protocol}/${connection.port}`;
  switch (side.kind) {
    case 'not-a-pod':
      return `${direction}: ${self} is not a pod, no policy applies`;
    case 'not-isolated':
      return `${direction}: ${self} is not isolated (no ${direction} policy selects it)`;
    case 'allowed':
      return `${direction}: allowed by ${side.matches
        .map((m) => ruleRef(policyRef(m.policy), direction, m.rule.index))
        .join(', ')}`;
    case 'denied': {
      const other = endpointLabel(direction === 'egress' ? connection.to : connection.from);
      return `${direction}: denied, ${self} is isolated by ${side.isolatedBy
        .map(policyRef)
        .join(
          ', ',
        )} and no ${direction} rule allows ${what} ${direction === 'egress' ? 'to' : 'from'} ${other}`;
    }
  }
}

export function explainVerdict(verdict: Verdict, connection: Connection): string {
  if (verdict.loopback) return 'loopback: a pod reaching itself is allowed (--allow-loopback)';
  return `${explainSide(verdict.egress, 'egress', connection)}; ${explainSide(verdict.ingress, 'ingress', connection)}`;
}
