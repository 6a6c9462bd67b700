import { matchesAnyGlob } from '../../core/glob.js';
import type { K8sObject } from '../../k8s/object.js';
import { effectiveNamespace } from '../../k8s/object.js';
import type { ManifestSet } from '../../k8s/manifest-set.js';
import type { PodView } from '../../k8s/pod-spec.js';
import type { CheckSettings, Violation } from '../check.js';

/** Namespaces run by the control plane itself; tenancy rules do not apply to them. */
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

export function isSystemNamespace(namespace: string): boolean {
  return SYSTEM_NAMESPACES.has(namespace);
}

/** The object a namespace-level violation is reported on: the Namespace when present, else its first object. */
function subjectOf(set: ManifestSet, namespace: string): K8sObject | undefined {
  return set.namespaceObjects.get(namespace) ?? set.inNamespace(namespace)[0];
}

/**
 * Runs `missing` for every non-system namespace in the input; a returned string is the violation message,
 * reported on the namespace's subject object.
 */
export function checkEachNamespace(
  set: ManifestSet,
  missing: (namespace: string, objects: readonly K8sObject[]) => string | undefined,
): (Violation & { object: K8sObject })[] {
  return set.namespaces.flatMap((namespace) => {
    if (isSystemNamespace(namespace)) return [];
    const message = missing(namespace, set.inNamespace(namespace));
    const object = subjectOf(set, namespace);
    return message === undefined || object === undefined ? [] : [{ message, object }];
  });
}

export function namespaceOfPod(pod: PodView): string {
  return effectiveNamespace(pod.object) ?? 'default';
}

/** Pods in namespaces the settings mark as untrusted tenants (never the system namespaces). */
export function untrustedPods(set: ManifestSet, settings: CheckSettings): PodView[] {
  if (settings.untrustedNamespaces.length === 0) return [];
  return set.pods.filter((pod) => {
    const namespace = namespaceOfPod(pod);
    return !isSystemNamespace(namespace) && matchesAnyGlob(namespace, settings.untrustedNamespaces);
  });
}
