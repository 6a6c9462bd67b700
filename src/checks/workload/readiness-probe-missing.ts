// Spec: long-running containers declare a readinessProbe so they receive traffic only when able to serve it.
// Jobs, CronJobs and init containers are exempt: they are not Service endpoints.
import type { PodCheck } from '../check.js';
import { defineCheck } from '../check.js';
import { containerViolation, describeContainer } from './containers.js';
import { hasProbe, probedContainersOf } from './probes.js';

export const readinessProbeMissing = defineCheck<PodCheck>({
  id: 'workload.readiness-probe-missing',
  severity: 'low',
  title: 'Container has no readiness probe',
  description:
    'Without a readiness probe a pod counts as ready as soon as its containers start, so Services send ' +
    'requests to instances that are still starting or overloaded, and rollouts proceed past broken versions.',
  remediation: 'Add a readinessProbe that checks the container can actually serve requests.',
  references: [
    'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/',
    'https://learn.microsoft.com/azure/aks/best-practices-app-cluster-reliability',
  ],
  category: 'workloads',
  scope: 'pod',
  evaluate(pod) {
    return probedContainersOf(pod)
      .filter((view) => !hasProbe(view, 'readinessProbe'))
      .map((view) =>
        containerViolation(view, 'readinessProbe', `${describeContainer(view)} has no readinessProbe`),
      );
  },
});
