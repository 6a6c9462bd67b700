// Spec: every container (and init container) requests CPU and memory. A limit alone is enough, because the
// API server defaults a missing request to the limit; pod-level `spec.resources` also counts.
import type { PodCheck } from '../check.js';
import { defineCheck } from '../check.js';
import { containerViolation, describeContainer, resourcedContainersOf } from './containers.js';
import { missingResources } from './resources.js';

export const resourceRequestsMissing = defineCheck<PodCheck>({
  id: 'workload.resource-requests-missing',
  severity: 'low',
  title: 'Container has no CPU or memory request',
  description:
    'Without requests the scheduler cannot place the pod sensibly, the pod lands in the BestEffort QoS class ' +
    'and is evicted first under node pressure, and quotas that count requests cannot account for it.',
  remediation:
    'Set resources.requests.cpu and resources.requests.memory from observed usage for every container.',
  references: [
    'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
    'https://learn.microsoft.com/azure/aks/developer-best-practices-resource-management',
  ],
  category: 'workloads',
  scope: 'pod',
  evaluate(pod) {
    return resourcedContainersOf(pod).flatMap((view) => {
      const missing = missingResources(pod, view.container, 'requests');
      if (missing.length === 0) return [];
      return [
        containerViolation(
          view,
          'resources.requests',
          `${describeContainer(view)} has no ${missing.join(' or ')} request`,
        ),
      ];
    });
  },
});
