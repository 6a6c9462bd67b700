// Spec: once a pod is egress-isolated, DNS (UDP and TCP 53 to kube-dns) is denied like anything else unless
// a rule allows it. Name resolution then fails and the workload breaks in ways that look unrelated.
import type { SetCheck, Violation } from '../../check.js';
import { defineCheck } from '../../check.js';
import type { K8sObject } from '../../../k8s/object.js';
import { portMatches } from '../match.js';
import { evaluatorOf } from './cluster-of.js';

export const egressWithoutDns = defineCheck<SetCheck>({
  id: 'network.egress-isolated-without-dns',
  severity: 'low',
  title: 'Egress-isolated pod cannot reach DNS',
  description:
    'The pod is selected by an egress policy, but no egress rule of those policies allows UDP port 53, so cluster DNS ' +
    'lookups fail.',
  remediation:
    'Add an egress rule to kube-system pods labelled k8s-app: kube-dns on UDP and TCP port 53 (namespaceSelector ' +
    'kubernetes.io/metadata.name: kube-system).',
  references: [
    'https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-egress-traffic',
  ],
  category: 'network',
  scope: 'set',
  evaluate(set) {
    const evaluator = evaluatorOf(set);
    const out: (Violation & { object: K8sObject })[] = [];
    // The destination is unknown here: any peer counts, only the port must allow DNS.
    const dns = { kind: 'external' as const, label: 'DNS' };
    for (const pod of evaluator.cluster.pods) {
      const policies = evaluator.selecting(pod, 'egress');
      if (policies.length === 0) continue;
      const allowsDns = policies.some((p) =>
        p.egress.some((rule) => !rule.ports || rule.ports.some((spec) => portMatches(spec, 53, 'UDP', dns))),
      );
      if (!allowsDns)
        out.push({
          object: pod.object,
          message: `${pod.namespace}/${pod.name} is egress-isolated by ${policies.map((p) => p.name).join(', ')} and no rule allows UDP/53`,
        });
    }
    return out;
  },
});
