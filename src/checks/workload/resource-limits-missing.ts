// Spec: every container (and init container) has CPU and memory limits, set on the container or for the
// whole pod through pod-level `spec.resources.limits`.
import type { PodCheck } from '../check.js';
import { defineCheck } from '../check.js';
import { containerViolation, describeContainer, resourcedContainersOf } from './containers.js';
import { missingResources } from './resources.js';

export const resourceLimitsMissing = defineCheck<PodCheck>({
  id: 'workload.resource-limits-missing',
  severity: 'medium',
  title: 'Container has no CPU or memory limit',
  description:
    'A container without a memory limit can exhaust node memory and get neighbours OOM-killed; without a CPU ' +
    'limit it can starve them. A compromised or buggy pod becomes a denial of service for the whole node.',
  remediation:
    'Set resources.limits.memory (and resources.limits.cpu where your policy requires it) for every container, ' +
    'or give the namespace a LimitRange with defaults.',
  references: [
    'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
    'https://kubernetes.io/docs/concepts/policy/limit-range/',
    'https://learn.microsoft.com/azure/aks/developer-best-practices-resource-management',
  ],
  category: 'workloads',
  scope: 'pod',
  evaluate(pod) {
    return resourcedContainersOf(pod).flatMap((view) => {
      const missing = missingResources(pod, view.container, 'limits');
      if (missing.length === 0) return [];
      return [
        containerViolation(
          view,
          'resources.limits',
          `${describeContainer(view)} has no ${missing.join(' or ')} limit`,
        ),
      ];
    });
  },
});
