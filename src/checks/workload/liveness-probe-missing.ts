// Spec: long-running containers declare a livenessProbe so a hung process is restarted. Batch pods and init
// containers are exempt (see probedContainersOf).
import type { PodCheck } from '../check.js';
import { defineCheck } from '../check.js';
import { containerViolation, describeContainer } from './containers.js';
import { hasProbe, probedContainersOf } from './probes.js';

export const livenessProbeMissing = defineCheck<PodCheck>({
  id: 'workload.liveness-probe-missing',
  severity: 'low',
  title: 'Container has no liveness probe',
  description:
    'Without a liveness probe the kubelet only notices a crashed process, not a deadlocked or wedged one, so a ' +
    'hung container keeps its place and its traffic until someone intervenes.',
  remediation:
    'Add a livenessProbe (httpGet, tcpSocket, grpc or exec) that fails only when the process cannot recover by ' +
    'itself; keep it cheaper and more tolerant than the readiness probe.',
  references: [
    'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/',
    'https://learn.microsoft.com/azure/aks/best-practices-app-cluster-reliability',
  ],
  category: 'workloads',
  scope: 'pod',
  evaluate(pod) {
    return probedContainersOf(pod)
      .filter((view) => !hasProbe(view, 'livenessProbe'))
      .map((view) =>
        containerViolation(view, 'livenessProbe', `${describeContainer(view)} has no livenessProbe`),
      );
  },
});
