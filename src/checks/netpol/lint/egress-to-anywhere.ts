// Spec: an egress ipBlock of 0.0.0.0/0 (or ::/0) allows the Internet, the cloud metadata endpoint and every
// other tenant; an `except` list narrows it but rarely enough.
import type { SetCheck, Violation } from '../../check.js';
import { defineCheck } from '../../check.js';
import type { K8sObject } from '../../../k8s/object.js';
import { evaluatorOf } from './cluster-of.js';

export const egressToAnywhere = defineCheck<SetCheck>({
  id: 'network.egress-to-anywhere',
  severity: 'medium',
  title: 'Egress allowed to any address',
  description:
    'An egress rule with ipBlock 0.0.0.0/0 or ::/0 lets the selected pods connect to any address: the Internet ' +
    '(data exfiltration, command and control), other tenants and the instance metadata service (169.254.169.254).',
  remediation:
    'Allow only the CIDRs the workload needs, or route egress through a proxy or firewall (on AKS, Azure Firewall ' +
    'with a user-defined route) and allow only that.',
  references: [
    'https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource',
  ],
  category: 'network',
  scope: 'set',
  evaluate(set) {
    const out: (Violation & { object: K8sObject })[] = [];
    for (const policy of evaluatorOf(set).cluster.policies) {
      if (!policy.isolates.egress) continue;
      for (const rule of policy.egress)
        (rule.peers ?? []).forEach((peer, i) => {
          if (peer.kind !== 'ipBlock' || peer.cidr.bits !== 0) return;
          out.push({
            object: policy.object,
            field: `spec.egress[${rule.index}].to[${i}].ipBlock.cidr`,
            message: `egress[${rule.index}] allows ${peer.cidr.text}${peer.except.length > 0 ? ` except ${peer.except.map((e) => e.text).join(', ')}` : ''}${rule.ports ? '' : ' on every port'}`,
          });
        });
    }
    return out;
  },
});
