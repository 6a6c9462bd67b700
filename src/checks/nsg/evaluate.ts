/**
 * NSG evaluation as Azure does it: the rules of the traffic's direction in priority order (lowest number
 * first), the first rule that matches decides. With an NSG on the subnet and one on the NIC, inbound traffic
 * meets the subnet's first and outbound traffic the NIC's first, and both must allow it.
 */
import type { NsgAddress } from './address.js';
import { addressMatches } from './address.js';
import type { Nsg, NsgDirection, NsgRule, PortRange } from './model.js';
import type { NetworkContext } from './network-context.js';

export type QueryProtocol = 'TCP' | 'UDP' | 'ICMP' | 'ESP' | 'AH' | 'Any';
export const QUERY_PROTOCOLS: readonly QueryProtocol[] = ['TCP', 'UDP', 'ICMP', 'ESP', 'AH', 'Any'];

export interface NsgQuery {
  direction: NsgDirection;
  protocol: QueryProtocol;
  source: NsgAddress;
  destination: NsgAddress;
  /** Absent: an arbitrary port, matched only by `*` ranges. Ignored for ICMP, ESP and AH. */
  sourcePort?: number;
  destinationPort?: number;
}

export interface NsgDecision {
  allowed: boolean;
  /** The deciding rule; absent only if an NSG somehow has no rule for the direction. */
  rule?: NsgRule;
  nsg: Nsg;
}

export interface NsgChainDecision extends NsgDecision {
  /** Every NSG the traffic met, in order, with its own decision. */
  steps: readonly NsgDecision[];
  /** Service tags no context resolved; they matched nothing. */
  unresolvedTags: readonly string[];
}

const PORTLESS = new Set<QueryProtocol>(['ICMP', 'ESP', 'AH']);

function portMatches(ranges: readonly PortRange[], port: number | undefined): boolean {
  return ranges.some((r) =>
    port === undefined ? r.first === 0 && r.last === 65535 : port >= r.first && port <= r.last,
  );
}

export function ruleMatches(
  rule: NsgRule,
  query: NsgQuery,
  ctx: NetworkContext,
  unresolved: Set<string>,
): boolean {
  if (rule.direction !== query.direction) return false;
  if (rule.protocol !== '*' && rule.protocol !== query.protocol) return false;
  const portless = PORTLESS.has(query.protocol) || query.protocol === 'Any';
  const sourcePort = portless ? undefined : query.sourcePort;
  const destinationPort = portless ? undefined : query.destinationPort;
  return (
    portMatches(rule.sourcePorts, sourcePort) &&
    portMatches(rule.destinationPorts, destinationPort) &&
    rule.sources.some((a) => addressMatches(a, query.source, ctx, unresolved)) &&
    rule.destinations.some((a) => addressMatches(a, query.destination, ctx, unresolved))
  );
}

export function evaluateNsg(
  nsg: Nsg,
  query: NsgQuery,
  ctx: NetworkContext,
  unresolved = new Set<string>(),
): NsgDecision {
  // rules are sorted by priority at parse time
  const rule = nsg.rules.find((r) => ruleMatches(r, query, ctx, unresolved));
  return rule ? { allowed: rule.access === 'Allow', rule, nsg } : { allowed: false, nsg };
}

export interface NsgPlacement {
  subnet?: Nsg;
  nic?: Nsg;
}

export function evaluateNsgChain(
  placement: NsgPlacement,
  query: NsgQuery,
  ctx: NetworkContext,
): NsgChainDecision {
  const order =
    query.direction === 'Inbound' ? [placement.subnet, placement.nic] : [placement.nic, placement.subnet];
  const unresolved = new Set<string>();
  const steps: NsgDecision[] = [];
  for (const nsg of order) {
    if (!nsg) continue;
    const decision = evaluateNsg(nsg, query, ctx, unresolved);
    steps.push(decision);
    if (!decision.allowed) break;
  }
  const last = steps[steps.length - 1];
  if (!last) throw new Error('evaluateNsgChain: no NSG given');
  return { ...last, steps, unresolvedTags: [...unresolved].sort() };
}
