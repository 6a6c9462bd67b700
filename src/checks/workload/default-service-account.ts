// Spec: pods name a dedicated service account; `serviceAccountName` unset or `default` fails.
import type { PodCheck } from '../check.js';
import { defineCheck } from '../check.js';
import { serviceAccountNameOf } from './service-accounts.js';

export const defaultServiceAccount = defineCheck<PodCheck>({
  id: 'workload.default-service-account',
  severity: 'low',
  title: 'Pod runs as the default service account',
  description:
    'Every workload in a namespace shares the default service account, so any permission granted to it (by ' +
    'a RoleBinding or a cloud workload identity) is granted to all of them, and audit logs cannot tell them apart.',
  remediation:
    'Create a ServiceAccount per workload, grant it only what that workload needs, and set ' +
    'spec.serviceAccountName in the pod template.',
  references: [
    'https://kubernetes.io/docs/concepts/security/service-accounts/',
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
    'https://learn.microsoft.com/azure/aks/workload-identity-overview',
  ],
  category: 'workloads',
  scope: 'pod',
  evaluate(pod) {
    if (serviceAccountNameOf(pod.spec) !== 'default') return [];
    const explicit = typeof pod.spec['serviceAccountName'] === 'string';
    return [
      {
        message: explicit
          ? 'pod sets serviceAccountName: default'
          : 'pod does not set serviceAccountName and runs as the namespace default service account',
        field: `${pod.specPath}.serviceAccountName`,
      },
    ];
  },
});
