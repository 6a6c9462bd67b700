// Spec: every namespace (except kube-system, kube-public, kube-node-lease) has a default-deny egress
// NetworkPolicy: `podSelector: {}`, policyTypes including Egress, and no egress rules.
import type { SetCheck } from '../check.js';
import { defineCheck } from '../check.js';
import { checkEachNamespace } from './namespaces.js';
import { isDefaultDeny } from './network-policies.js';

export const defaultDenyEgressMissing = defineCheck<SetCheck>({
  id: 'tenancy.default-deny-egress-missing',
  severity: 'medium',
  title: 'Namespace has no default-deny egress NetworkPolicy',
  description:
    'Unrestricted egress lets a compromised pod reach the cloud metadata endpoint, other tenants, internal ' +
    'services and the internet, to move laterally or exfiltrate data.',
  remediation:
    'Add a NetworkPolicy with podSelector: {} and policyTypes: [Egress] and no egress rules, then allow DNS and ' +
    'the destinations each workload needs; on AKS consider routing egress through Azure Firewall.',
  references: [
    'https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-egress-traffic',
    'https://learn.microsoft.com/azure/aks/use-network-policies',
    'https://learn.microsoft.com/azure/aks/limit-egress-traffic',
  ],
  category: 'isolation',
  scope: 'set',
  evaluate(set) {
    return checkEachNamespace(set, (namespace, objects) =>
      objects.some((o) => isDefaultDeny(o, 'Egress'))
        ? undefined
        : `namespace "${namespace}" has no default-deny egress NetworkPolicy`,
    );
  },
});
