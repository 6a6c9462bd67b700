// Spec: pods in namespaces matching settings.untrustedNamespaces run under a sandbox runtime: their
// runtimeClassName is one of settings.sandboxRuntimeClasses (Kata, gVisor, AKS Pod Sandboxing). With no
// sandbox classes configured, no runtime class qualifies and every such pod fails.
import type { SetCheck } from '../check.js';
import { defineCheck } from '../check.js';
import { namespaceOfPod, untrustedPods } from './namespaces.js';

export const untrustedWithoutSandbox = defineCheck<SetCheck>({
  id: 'tenancy.untrusted-without-sandbox',
  severity: 'high',
  title: 'Untrusted workload runs without a sandbox runtime',
  description:
    'Containers share the node kernel. Code from an untrusted tenant that exploits one kernel or runtime bug ' +
    'escapes to the node and to every other tenant on it; a VM-isolated or user-space-kernel sandbox removes ' +
    'that shared kernel.',
  remediation:
    'Set spec.runtimeClassName to a sandbox RuntimeClass (kata-vm-isolation with AKS Pod Sandboxing, or your ' +
    'gVisor/Kata class) and list that class in sandboxRuntimeClasses in kubeward.yaml.',
  references: [
    'https://kubernetes.io/docs/concepts/containers/runtime-class/',
    'https://kubernetes.io/docs/concepts/security/multi-tenancy/#sandboxing-containers',
    'https://learn.microsoft.com/azure/aks/use-pod-sandboxing',
  ],
  category: 'isolation',
  scope: 'set',
  evaluate(set, ctx) {
    const sandboxes = ctx.settings.sandboxRuntimeClasses;
    const expected =
      sandboxes.length > 0 ? `expected one of ${sandboxes.join(', ')}` : 'no sandbox classes are configured';
    return untrustedPods(set, ctx.settings).flatMap((pod) => {
      const runtimeClass = pod.spec['runtimeClassName'];
      if (typeof runtimeClass === 'string' && sandboxes.includes(runtimeClass)) return [];
      const actual =
        typeof runtimeClass === 'string' ? `runtimeClassName "${runtimeClass}"` : 'no runtimeClassName';
      return [
        {
          object: pod.object,
          field: `${pod.specPath}.runtimeClassName`,
          message: `pod in untrusted namespace "${namespaceOfPod(pod)}" has ${actual} (${expected})`,
        },
      ];
    });
  },
});
