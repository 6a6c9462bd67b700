import type { JsonObject } from '../../k8s/object.js';
import { getPath } from '../../k8s/object.js';
import type { PodView } from '../../k8s/pod-spec.js';

export type ResourceName = 'cpu' | 'memory';
export type ResourceBound = 'requests' | 'limits';
export const RESOURCE_NAMES: readonly ResourceName[] = ['cpu', 'memory'];

function hasQuantity(owner: unknown, bound: ResourceBound, resource: ResourceName): boolean {
  const value = getPath(owner, ['resources', bound, resource]);
  return (typeof value === 'string' && value.trim() !== '') || typeof value === 'number';
}

/**
 * Whether a container's `bound` for `resource` is set, directly or through the pod-level `spec.resources`
 * (which caps every container of the pod). A limit without a request makes Kubernetes default the request to
 * the limit, so for requests a limit counts too.
 */
export function hasEffectiveResource(
  pod: PodView,
  container: JsonObject,
  bound: ResourceBound,
  resource: ResourceName,
): boolean {
  const bounds: ResourceBound[] = bound === 'requests' ? ['requests', 'limits'] : ['limits'];
  return bounds.some((b) => hasQuantity(container, b, resource) || hasQuantity(pod.spec, b, resource));
}

export function missingResources(pod: PodView, container: JsonObject, bound: ResourceBound): ResourceName[] {
  return RESOURCE_NAMES.filter((resource) => !hasEffectiveResource(pod, container, bound, resource));
}
