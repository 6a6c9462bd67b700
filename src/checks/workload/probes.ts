import type { ContainerView, PodView } from '../../k8s/pod-spec.js';
import { isObject } from '../../k8s/object.js';
import { regularContainersOf } from './containers.js';

const BATCH_KINDS = new Set(['Job', 'CronJob']);

/**
 * Containers expected to declare probes. Batch pods (Jobs, CronJobs, and any pod that is not restarted
 * `Always`, such as a Job's pods in a cluster snapshot) run to completion and are not served traffic;
 * init and ephemeral containers do not take probes.
 */
export function probedContainersOf(pod: PodView): ContainerView[] {
  if (BATCH_KINDS.has(pod.object.kind)) return [];
  const restartPolicy = pod.spec['restartPolicy'];
  if (restartPolicy === 'Never' || restartPolicy === 'OnFailure') return [];
  return regularContainersOf(pod);
}

export function hasProbe(view: ContainerView, probe: 'livenessProbe' | 'readinessProbe'): boolean {
  return isObject(view.container[probe]);
}
