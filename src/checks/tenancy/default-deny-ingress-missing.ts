// Spec: every namespace (except kube-system, kube-public, kube-node-lease) has a default-deny ingress
// NetworkPolicy: `podSelector: {}`, policyTypes including Ingress, and no ingress rules.
import type { SetCheck } from '../check.js';
import { defineCheck } from '../check.js';
import { checkEachNamespace } from './namespaces.js';
import { isDefaultDeny } from './network-policies.js';

export const defaultDenyIngressMissing = defineCheck<SetCheck>({
  id: 'tenancy.default-deny-ingress-missing',
  severity: 'medium',
  title: 'Namespace has no default-deny ingress NetworkPolicy',
  description:
    'Kubernetes allows all pod-to-pod traffic by default. Without a default-deny policy, any compromised pod ' +
    "in the cluster, including other tenants' pods, can connect to every pod in this namespace.",
  remediation:
    'Add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress] and no ingress rules, then allow the ' +
    'flows each workload needs with narrower policies. On AKS, enable a network policy engine (Azure, Calico ' +
    'or Cilium) so policies are enforced.',
  references: [
    'https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-deny-all-ingress-traffic',
    'https://learn.microsoft.com/azure/aks/use-network-policies',
    'https://learn.microsoft.com/azure/aks/operator-best-practices-network',
  ],
  category: 'isolation',
  scope: 'set',
  evaluate(set) {
    return checkEachNamespace(set, (namespace, objects) =>
      objects.some((o) => isDefaultDeny(o, 'Ingress'))
        ? undefined
        : `namespace "${namespace}" has no default-deny ingress NetworkPolicy`,
    );
  },
});
