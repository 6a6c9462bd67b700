/** The reachability matrix: classes x classes x ports, each cell allowed or denied by policy. */
import type { Endpoint } from './endpoint.js';
import type { Evaluator } from './evaluate.js';
import type { PodClass } from './classes.js';
import { classifyPods } from './classes.js';
import { peerMatches, portMatches } from './match.js';
import type { Cluster, NetpolPod, NetworkPolicyModel, PolicyRule, Protocol } from './model.js';

export interface MatrixPort {
  port: number;
  protocol: Protocol;
}

export interface Matrix {
  classes: readonly PodClass[];
  ports: readonly MatrixPort[];
  /** allowed[p][from * classes.length + to] is 1 when traffic from class `from` to class `to` passes. */
  allowed: readonly Uint8Array[];
}

/**
 * Cells follow policy; within one class that is also the answer for a pod reaching itself (see
 * EvaluateOptions.allowLoopback for CNIs that never filter loopback).
 *
 * Rather than evaluating classes² x ports connections one by one, each rule's peers are matched against
 * every class once (a bitmap), then each class's allowed set per port is the OR of its rules' bitmaps; a
 * cell is one AND of the source's egress bit and the destination's ingress bit. `evaluateConnection` stays
 * the reference: the tests compare both.
 */
export function computeMatrix(evaluator: Evaluator, ports?: readonly MatrixPort[]): Matrix {
  const { cluster } = evaluator;
  const classes = classifyPods(cluster);
  const portList = ports && ports.length > 0 ? ports : defaultPorts(cluster);
  const n = classes.length;
  const reps: Endpoint[] = classes.map((c) => ({ kind: 'pod', pod: c.representative }));
  const peerBits = new Map<PolicyRule, Uint8Array>();
  const peersOf = (rule: PolicyRule, policy: NetworkPolicyModel): Uint8Array => {
    let bits = peerBits.get(rule);
    if (!bits) {
      bits = new Uint8Array(n);
      for (let j = 0; j < n; j++)
        bits[j] =
          !rule.peers || rule.peers.some((peer) => peerMatches(peer, policy.namespace, reps[j]!, cluster))
            ? 1
            : 0;
      peerBits.set(rule, bits);
    }
    return bits;
  };
  const allowed = portList.map(({ port, protocol }) => {
    const portOk = (rule: PolicyRule, destination: Endpoint) =>
      !rule.ports || rule.ports.some((spec) => portMatches(spec, port, protocol, destination));
    // egress[i]: destinations class i may send to; undefined when i is not egress-isolated.
    const egress = reps.map((rep) => {
      const policies = evaluator.selecting(classOf(rep), 'egress');
      if (policies.length === 0) return undefined;
      const bits = new Uint8Array(n);
      for (const policy of policies)
        for (const rule of policy.egress) {
          const peers = peersOf(rule, policy);
          // Named ports resolve on the destination, so the port test may differ per destination class.
          const perDestination = rule.ports?.some((spec) => typeof spec.port === 'string') ?? false;
          const sameForAll = perDestination ? false : portOk(rule, reps[0]!);
          for (let j = 0; j < n; j++)
            if (peers[j] && !bits[j] && (perDestination ? portOk(rule, reps[j]!) : sameForAll)) bits[j] = 1;
        }
      return bits;
    });
    // ingress[j]: sources class j accepts; undefined when j is not ingress-isolated.
    const ingress = reps.map((rep) => {
      const policies = evaluator.selecting(classOf(rep), 'ingress');
      if (policies.length === 0) return undefined;
      const bits = new Uint8Array(n);
      for (const policy of policies)
        for (const rule of policy.ingress) {
          if (!portOk(rule, rep)) continue;
          const peers = peersOf(rule, policy);
          for (let i = 0; i < n; i++) bits[i] = bits[i]! | peers[i]!;
        }
      return bits;
    });
    const cells = new Uint8Array(n * n);
    for (let i = 0; i < n; i++) {
      const out = egress[i];
      for (let j = 0; j < n; j++) {
        const into = ingress[j];
        cells[i * n + j] = (out ? out[j]! : 1) & (into ? into[i]! : 1);
      }
    }
    return cells;
  });
  return { classes, ports: portList, allowed };
}

function classOf(endpoint: Endpoint): NetpolPod {
  if (endpoint.kind !== 'pod') throw new Error('matrix endpoints are pods');
  return endpoint.pod;
}

/** Every port some pod declares; else the numeric ports policies name; else 80/TCP. */
export function defaultPorts(cluster: Cluster): MatrixPort[] {
  const seen = new Map<string, MatrixPort>();
  const add = (port: number, protocol: Protocol) => seen.set(`${port}/${protocol}`, { port, protocol });
  for (const pod of cluster.pods) for (const p of pod.ports) add(p.port, p.protocol);
  if (seen.size === 0)
    for (const policy of cluster.policies)
      for (const rule of [...policy.ingress, ...policy.egress])
        for (const spec of rule.ports ?? []) if (typeof spec.port === 'number') add(spec.port, spec.protocol);
  if (seen.size === 0) add(80, 'TCP');
  return [...seen.values()].sort((a, b) => a.port - b.port || (a.protocol < b.protocol ? -1 : 1));
}

export function portLabel(p: MatrixPort): string {
  return `${p.port}/${p.protocol}`;
}
