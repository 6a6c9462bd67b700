// Spec: every container sets `securityContext.readOnlyRootFilesystem: true`. Windows pods are skipped: Windows
// containers do not support a read-only root filesystem.
import type { PodCheck } from '../check.js';
import { defineCheck } from '../check.js';
import { getPath } from '../../k8s/object.js';
import { containersOf } from '../../k8s/pod-spec.js';
import { containerViolation, describeContainer } from './containers.js';

export const rootFilesystemWritable = defineCheck<PodCheck>({
  id: 'workload.root-filesystem-writable',
  severity: 'medium',
  title: 'Container root filesystem is writable',
  description:
    'A writable root filesystem lets an attacker who gains code execution drop tools, modify binaries or ' +
    'persist changes for the life of the container.',
  remediation:
    'Set securityContext.readOnlyRootFilesystem: true and mount emptyDir volumes for the paths the application ' +
    'must write (for example /tmp).',
  references: [
    'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/',
    'https://learn.microsoft.com/azure/aks/developer-best-practices-pod-security',
  ],
  category: 'workloads',
  scope: 'pod',
  evaluate(pod) {
    if (getPath(pod.spec, ['os', 'name']) === 'windows') return [];
    return containersOf(pod)
      .filter((view) => getPath(view.container, ['securityContext', 'readOnlyRootFilesystem']) !== true)
      .map((view) =>
        containerViolation(
          view,
          'securityContext.readOnlyRootFilesystem',
          `${describeContainer(view)} does not set readOnlyRootFilesystem: true`,
        ),
      );
  },
});
