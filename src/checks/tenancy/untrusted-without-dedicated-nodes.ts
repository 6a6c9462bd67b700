// Spec: pods in namespaces matching settings.untrustedNamespaces run on a dedicated node pool: they require
// node labels (nodeSelector or a required nodeAffinity term) AND tolerate the pool's taint (a toleration
// whose key matches a required label key).
import type { SetCheck } from '../check.js';
import { defineCheck } from '../check.js';
import { namespaceOfPod, untrustedPods } from './namespaces.js';
import { isConfinedToTaintedPool, isPinned, nodePinningOf } from './node-pinning.js';

export const untrustedWithoutDedicatedNodes = defineCheck<SetCheck>({
  id: 'tenancy.untrusted-without-dedicated-nodes',
  severity: 'medium',
  title: 'Untrusted workload is not confined to a dedicated node pool',
  description:
    'Pods that share nodes share the kernel, the kubelet and node credentials. An untrusted tenant scheduled ' +
    'next to other workloads turns any container escape into a compromise of its neighbours.',
  remediation:
    'Create a node pool for the tenant, taint it (for example tenant=<name>:NoSchedule) and label it with the ' +
    'same key, then give the pods a matching nodeSelector (or required nodeAffinity) and toleration.',
  references: [
    'https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/#example-use-cases',
    'https://kubernetes.io/docs/concepts/security/multi-tenancy/#node-isolation',
    'https://learn.microsoft.com/azure/aks/operator-best-practices-advanced-scheduling',
    'https://learn.microsoft.com/azure/aks/operator-best-practices-cluster-isolation',
  ],
  category: 'isolation',
  scope: 'set',
  evaluate(set, ctx) {
    return untrustedPods(set, ctx.settings).flatMap((pod) => {
      if (isConfinedToTaintedPool(pod.spec)) return [];
      const namespace = namespaceOfPod(pod);
      if (!isPinned(nodePinningOf(pod.spec)))
        return [
          {
            object: pod.object,
            field: `${pod.specPath}.nodeSelector`,
            message: `pod in untrusted namespace "${namespace}" has no nodeSelector or required nodeAffinity`,
          },
        ];
      return [
        {
          object: pod.object,
          field: `${pod.specPath}.tolerations`,
          message: `pod in untrusted namespace "${namespace}" has no toleration matching its required node labels`,
        },
      ];
    });
  },
});
