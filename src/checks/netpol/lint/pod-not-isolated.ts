// Spec: a pod that no NetworkPolicy selects for a direction accepts (ingress) or sends (egress) any traffic.
// Reported only in namespaces that do have NetworkPolicies, where a gap is likely an oversight; namespaces
// with none at all are the tenancy.default-deny-* checks' business.
import type { SetCheck, Violation } from '../../check.js';
import { defineCheck } from '../../check.js';
import type { K8sObject } from '../../../k8s/object.js';
import type { Direction } from '../model.js';
import { evaluatorOf } from './cluster-of.js';

function notIsolated(direction: Direction) {
  return (set: Parameters<SetCheck['evaluate']>[0]): (Violation & { object: K8sObject })[] => {
    const evaluator = evaluatorOf(set);
    const out: (Violation & { object: K8sObject })[] = [];
    for (const pod of evaluator.cluster.pods) {
      const policies = evaluator.cluster.policiesByNamespace.get(pod.namespace) ?? [];
      if (policies.length === 0 || pod.hostNetwork) continue;
      if (evaluator.selecting(pod, direction).length > 0) continue;
      out.push({
        object: pod.object,
        message: `${pod.fromTemplate ? 'pods of ' : 'pod '}${pod.namespace}/${pod.name} ${direction === 'ingress' ? 'accept traffic from' : 'may send traffic to'} anywhere: none of the ${policies.length} NetworkPolicies in ${pod.namespace} selects ${pod.fromTemplate ? 'them' : 'it'} for ${direction}`,
      });
    }
    return out;
  };
}

export const podNotIngressIsolated = defineCheck<SetCheck>({
  id: 'network.pod-not-ingress-isolated',
  severity: 'medium',
  title: 'Pod selected by no ingress NetworkPolicy',
  description:
    'A pod no NetworkPolicy selects for Ingress accepts connections from every pod in the cluster, even when its ' +
    'neighbours in the namespace are locked down.',
  remediation:
    'Cover the pod with a policy (a namespace-wide default deny with podSelector: {} is the safest base).',
  references: [
    'https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation',
  ],
  category: 'network',
  scope: 'set',
  evaluate: notIsolated('ingress'),
});

export const podNotEgressIsolated = defineCheck<SetCheck>({
  id: 'network.pod-not-egress-isolated',
  severity: 'low',
  title: 'Pod selected by no egress NetworkPolicy',
  description:
    'A pod no NetworkPolicy selects for Egress can open connections anywhere: other tenants, the cloud metadata ' +
    'endpoint, the Internet. Egress control limits what a compromised pod can reach and exfiltrate to.',
  remediation: 'Add an egress policy that allows DNS and the destinations the workload needs.',
  references: [
    'https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-egress-traffic',
  ],
  category: 'network',
  scope: 'set',
  evaluate: notIsolated('egress'),
});
