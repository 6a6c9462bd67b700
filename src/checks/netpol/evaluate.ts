/**
 * The verdict for one connection. Traffic passes only when the source's egress side (if the source is a
 * pod) and the destination's ingress side (if the destination is a pod) both allow it. A side is isolated
 * when some policy of the pod's own namespace selects the pod for that direction; an isolated side allows
 * exactly the union of the rules of every such policy.
 */
import type { Endpoint } from './endpoint.js';
import { peerMatches, portMatches } from './match.js';
import type { Cluster, Direction, NetpolPod, NetworkPolicyModel, PolicyRule, Protocol } from './model.js';
import { matchesSelector } from './selector.js';

export interface Connection {
  from: Endpoint;
  to: Endpoint;
  port: number;
  protocol: Protocol;
}

export interface RuleMatch {
  policy: NetworkPolicyModel;
  rule: PolicyRule;
}

export type SideVerdict =
  /** The end on this side is not a pod: no policy of ours applies. */
  | { kind: 'not-a-pod' }
  /** No policy selects the pod for this direction: everything is allowed. */
  | { kind: 'not-isolated' }
  | { kind: 'allowed'; isolatedBy: readonly NetworkPolicyModel[]; matches: readonly RuleMatch[] }
  | { kind: 'denied'; isolatedBy: readonly NetworkPolicyModel[] };

export interface Verdict {
  allowed: boolean;
  /** Pod to itself, allowed without policy because `allowLoopback` was asked for. */
  loopback: boolean;
  egress: SideVerdict;
  ingress: SideVerdict;
}

/**
 * A pod reaching itself follows policy by default: the API exempts nothing, and the upstream e2e truth
 * tables expect it (e.g. default-deny-ingress denies x/a -> x/a). Upstream ignores those cells when
 * comparing because CNIs differ (kubernetes#95879), so `allowLoopback` models CNIs that never filter it.
 */
export interface EvaluateOptions {
  allowLoopback?: boolean;
}

/** Memoises the policies selecting each pod, which matrix evaluation asks for over and over. */
export interface Evaluator {
  cluster: Cluster;
  selecting(pod: NetpolPod, direction: Direction): readonly NetworkPolicyModel[];
}

export function createEvaluator(cluster: Cluster): Evaluator {
  const cache: Record<Direction, WeakMap<NetpolPod, readonly NetworkPolicyModel[]>> = {
    ingress: new WeakMap(),
    egress: new WeakMap(),
  };
  return {
    cluster,
    selecting(pod, direction) {
      let list = cache[direction].get(pod);
      if (!list) {
        list = (cluster.policiesByNamespace.get(pod.namespace) ?? []).filter(
          (p) => p.isolates[direction] && matchesSelector(p.podSelector, pod.labels),
        );
        cache[direction].set(pod, list);
      }
      return list;
    },
  };
}

export function evaluateSide(
  evaluator: Evaluator,
  connection: Connection,
  direction: Direction,
): SideVerdict {
  const self = direction === 'egress' ? connection.from : connection.to;
  const other = direction === 'egress' ? connection.to : connection.from;
  if (self.kind !== 'pod') return { kind: 'not-a-pod' };
  const isolatedBy = evaluator.selecting(self.pod, direction);
  if (isolatedBy.length === 0) return { kind: 'not-isolated' };
  const matches: RuleMatch[] = [];
  for (const policy of isolatedBy) {
    for (const rule of policy[direction]) {
      if (ruleMatches(rule, policy, other, connection, evaluator.cluster)) matches.push({ policy, rule });
    }
  }
  return matches.length > 0 ? { kind: 'allowed', isolatedBy, matches } : { kind: 'denied', isolatedBy };
}

export function ruleMatches(
  rule: PolicyRule,
  policy: NetworkPolicyModel,
  other: Endpoint,
  connection: Connection,
  cluster: Cluster,
): boolean {
  const portOk =
    !rule.ports ||
    rule.ports.some((p) => portMatches(p, connection.port, connection.protocol, connection.to));
  if (!portOk) return false;
  return !rule.peers || rule.peers.some((peer) => peerMatches(peer, policy.namespace, other, cluster));
}

export function evaluateConnection(
  evaluator: Evaluator,
  connection: Connection,
  options: EvaluateOptions = {},
): Verdict {
  const egress = evaluateSide(evaluator, connection, 'egress');
  const ingress = evaluateSide(evaluator, connection, 'ingress');
  const loopback =
    options.allowLoopback === true &&
    connection.from.kind === 'pod' &&
    connection.to.kind === 'pod' &&
    connection.from.pod === connection.to.pod;
  const sideAllows = (s: SideVerdict) => s.kind !== 'denied';
  return { allowed: loopback || (sideAllows(egress) && sideAllows(ingress)), loopback, egress, ingress };
}
