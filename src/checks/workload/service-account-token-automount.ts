// Spec: the API token is not mounted unless needed: `automountServiceAccountToken: false` on the pod, or on
// its ServiceAccount when the pod leaves it unset. The pod's setting wins over the ServiceAccount's, as in
// the kubelet. A set check, because the ServiceAccount is a separate object in the same namespace.
import type { SetCheck } from '../check.js';
import { defineCheck } from '../check.js';
import type { K8sObject } from '../../k8s/object.js';
import { effectiveNamespace } from '../../k8s/object.js';
import type { ManifestSet } from '../../k8s/manifest-set.js';
import { serviceAccountNameOf } from './service-accounts.js';

/** ServiceAccounts in the input by `namespace/name`, built once per evaluation. */
function serviceAccountsOf(set: ManifestSet): Map<string, K8sObject> {
  return new Map(
    set.byKind('ServiceAccount').map((o) => [`${effectiveNamespace(o) ?? 'default'}/${o.metadata.name}`, o]),
  );
}

export const serviceAccountTokenAutomount = defineCheck<SetCheck>({
  id: 'workload.service-account-token-automount',
  severity: 'medium',
  title: 'Service account token is mounted into the pod',
  description:
    'A mounted token lets anyone who gains code execution in the pod call the Kubernetes API with the ' +
    "service account's permissions. Most applications never talk to the API and do not need it.",
  remediation:
    'Set automountServiceAccountToken: false on the pod spec or on its ServiceAccount; workloads that do call ' +
    'the API can opt back in on the pod or use a projected token volume with a short expiry.',
  references: [
    'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting',
    'https://kubernetes.io/docs/concepts/security/service-accounts/',
    'https://learn.microsoft.com/azure/aks/developer-best-practices-pod-security',
  ],
  category: 'workloads',
  scope: 'set',
  evaluate(set) {
    const accounts = serviceAccountsOf(set);
    return set.pods.flatMap((pod) => {
      const podSetting = pod.spec['automountServiceAccountToken'];
      if (podSetting === false) return [];
      const accountName = serviceAccountNameOf(pod.spec);
      const account = accounts.get(`${effectiveNamespace(pod.object) ?? 'default'}/${accountName}`);
      const field = `${pod.specPath}.automountServiceAccountToken`;
      if (podSetting === true)
        return [
          {
            object: pod.object,
            field,
            message: `pod sets automountServiceAccountToken: true for service account "${accountName}"`,
          },
        ];
      if (account?.raw['automountServiceAccountToken'] === false) return [];
      const where = account
        ? `nor its ServiceAccount "${accountName}"`
        : `nor its service account "${accountName}" (not in the input)`;
      return [
        {
          object: pod.object,
          field,
          message: `API token is mounted: neither the pod ${where} sets automountServiceAccountToken: false`,
        },
      ];
    });
  },
});
