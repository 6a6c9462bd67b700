// Spec: every namespace (except kube-system, kube-public, kube-node-lease) has a ResourceQuota.
import type { SetCheck } from '../check.js';
import { defineCheck } from '../check.js';
import { checkEachNamespace } from './namespaces.js';

export const resourceQuotaMissing = defineCheck<SetCheck>({
  id: 'tenancy.resource-quota-missing',
  severity: 'medium',
  title: 'Namespace has no ResourceQuota',
  description:
    'Without a quota one namespace can consume all cluster CPU, memory, pods, Services or storage, starving ' +
    'other tenants, whether by accident, a runaway autoscaler or a deliberate denial of service.',
  remediation:
    'Add a ResourceQuota that caps requests, limits and object counts (pods, services, persistentvolumeclaims) ' +
    'at what the tenant is entitled to.',
  references: [
    'https://kubernetes.io/docs/concepts/policy/resource-quotas/',
    'https://kubernetes.io/docs/concepts/security/multi-tenancy/#quotas',
    'https://learn.microsoft.com/azure/aks/operator-best-practices-scheduler',
  ],
  category: 'isolation',
  scope: 'set',
  evaluate(set) {
    return checkEachNamespace(set, (namespace, objects) =>
      objects.some((o) => o.kind === 'ResourceQuota')
        ? undefined
        : `namespace "${namespace}" has no ResourceQuota`,
    );
  },
});
