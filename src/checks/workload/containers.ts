import type { ContainerView, PodView } from '../../k8s/pod-spec.js';
import { containersOf } from '../../k8s/pod-spec.js';
import type { Violation } from '../check.js';

/** A violation about one container, with `field` relative to the container (`image`, `resources.limits`). */
export function containerViolation(view: ContainerView, field: string, message: string): Violation {
  return { message, field: `${view.path}.${field}`, container: view.name };
}

/** `container "app"` / `init container "setup"`: how messages name a container. */
export function describeContainer(view: ContainerView): string {
  const prefix = {
    containers: 'container',
    initContainers: 'init container',
    ephemeralContainers: 'ephemeral container',
  };
  return `${prefix[view.kind]} "${view.name}"`;
}

/** Containers that run for the pod's whole life: regular ones, without init or ephemeral containers. */
export function regularContainersOf(pod: PodView): ContainerView[] {
  return containersOf(pod).filter((view) => view.kind === 'containers');
}

/** Containers that may declare resources: ephemeral containers are not allowed to. */
export function resourcedContainersOf(pod: PodView): ContainerView[] {
  return containersOf(pod).filter((view) => view.kind !== 'ephemeralContainers');
}

export function imageOf(view: ContainerView): string | undefined {
  const image = view.container['image'];
  return typeof image === 'string' && image.trim() !== '' ? image.trim() : undefined;
}
