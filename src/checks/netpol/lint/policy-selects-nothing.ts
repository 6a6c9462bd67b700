// Spec: a NetworkPolicy's podSelector picks pods of its own namespace only. One that matches no pod (often a
// label typo, or a policy applied to the wrong namespace) protects nothing. Only judged when the input holds
// pods (or workloads) of that namespace, so a policies-only repository is not flagged.
import type { SetCheck } from '../../check.js';
import { defineCheck } from '../../check.js';
import { matchesSelector, formatSelector } from '../selector.js';
import { evaluatorOf, groupPodsByNamespace } from './cluster-of.js';

export const policySelectsNothing = defineCheck<SetCheck>({
  id: 'network.policy-selects-nothing',
  severity: 'medium',
  title: 'NetworkPolicy selects no pod',
  description:
    'The policy podSelector matches no pod in its namespace, so it isolates and allows nothing. Usually a label ' +
    'typo or a policy placed in the wrong namespace: the pods it was meant to protect stay open.',
  remediation: 'Fix spec.podSelector (or metadata.namespace) so it matches the intended pods.',
  references: [
    'https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource',
  ],
  category: 'network',
  scope: 'set',
  evaluate(set) {
    const { cluster } = evaluatorOf(set);
    const podsByNamespace = groupPodsByNamespace(cluster.pods);
    return cluster.policies.flatMap((policy) => {
      const pods = podsByNamespace.get(policy.namespace) ?? [];
      if (pods.length === 0 || pods.some((p) => matchesSelector(policy.podSelector, p.labels))) return [];
      return [
        {
          object: policy.object,
          field: 'spec.podSelector',
          message: `podSelector ${formatSelector(policy.podSelector)} matches none of the ${pods.length} pod(s) in ${policy.namespace}`,
        },
      ];
    });
  },
});
