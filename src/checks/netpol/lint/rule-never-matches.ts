// Spec: a rule allows traffic only from/to its peers on its ports. A rule whose every pod peer selects no
// pod (and that has no ipBlock), or whose named ports no selected pod declares, can never allow anything.
import type { SetCheck, Violation } from '../../check.js';
import { defineCheck } from '../../check.js';
import type { K8sObject } from '../../../k8s/object.js';
import { peerMatches } from '../match.js';
import type { Peer } from '../model.js';
import { matchesSelector } from '../selector.js';
import { evaluatorOf, groupPodsByNamespace } from './cluster-of.js';

export const ruleNeverMatches = defineCheck<SetCheck>({
  id: 'network.rule-never-matches',
  severity: 'low',
  title: 'NetworkPolicy rule can never match',
  description:
    'The rule names peers that select no pod in the input, or port names that no selected pod declares. It allows ' +
    'nothing; the traffic it was written for is denied, or the rule is dead code that misleads reviewers.',
  remediation: 'Fix the selector labels or port names, or remove the rule.',
  references: [
    'https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors',
  ],
  category: 'network',
  scope: 'set',
  evaluate(set) {
    const { cluster } = evaluatorOf(set);
    const out: (Violation & { object: K8sObject })[] = [];
    if (cluster.pods.length === 0) return out;
    const namespacesWithPods = new Set(cluster.pods.map((p) => p.namespace));
    // A namespaceSelector that picks none of the input's namespaces with pods means namespaces (kube-system,
    // monitoring) the input does not show: we cannot judge such a peer.
    const outsideInput = (peer: Peer) =>
      peer.kind === 'pods' &&
      peer.namespaceSelector !== undefined &&
      ![...namespacesWithPods].some((ns) =>
        matchesSelector(peer.namespaceSelector!, cluster.namespaces.get(ns)?.labels ?? {}),
      );
    const podsByNamespace = groupPodsByNamespace(cluster.pods);
    // Real policy sets repeat the same peers (every policy of a team allowing `role: frontend`): answer each
    // distinct (namespace, peers) question once instead of scanning every pod for every rule.
    const peersMatchAnyPod = new Map<string, boolean>();
    const anyPodMatches = (namespace: string, peers: readonly Peer[]) => {
      const key = `${namespace}\u0000${JSON.stringify(peers)}`;
      let answer = peersMatchAnyPod.get(key);
      if (answer === undefined) {
        answer = cluster.pods.some((pod) =>
          peers.some((peer) => peerMatches(peer, namespace, { kind: 'pod', pod }, cluster)),
        );
        peersMatchAnyPod.set(key, answer);
      }
      return answer;
    };
    for (const policy of cluster.policies) {
      const selected = (podsByNamespace.get(policy.namespace) ?? []).filter((p) =>
        matchesSelector(policy.podSelector, p.labels),
      );
      for (const rule of [...policy.ingress, ...policy.egress]) {
        const field = `spec.${rule.direction}[${rule.index}]`;
        const peers = rule.peers;
        if (
          peers &&
          peers.every((peer) => peer.kind === 'pods' && !outsideInput(peer)) &&
          !anyPodMatches(policy.namespace, peers)
        )
          out.push({
            object: policy.object,
            field,
            message: `${field}: no pod in the input matches any of its ${rule.direction === 'ingress' ? 'from' : 'to'} peers`,
          });
        // Ingress named ports resolve on the selected pods; egress ones on the destinations.
        const owners = rule.direction === 'ingress' ? selected : cluster.pods;
        for (const spec of rule.ports ?? []) {
          if (typeof spec.port !== 'string' || owners.length === 0) continue;
          const name = spec.port;
          if (!owners.some((p) => p.ports.some((cp) => cp.name === name && cp.protocol === spec.protocol)))
            out.push({
              object: policy.object,
              field: `${field}.ports`,
              message:
                `${field}: no ${rule.direction === 'ingress' ? 'selected' : ''} pod declares a ${spec.protocol} port named "${name}"`.replace(
                  'no  pod',
                  'no pod',
                ),
            });
        }
      }
    }
    return out;
  },
});
