import type { K8sObject } from './object.js';
import { effectiveNamespace } from './object.js';
import type { PodView } from './pod-spec.js';
import { extractPod } from './pod-spec.js';

/** All objects of one scan, indexed the ways checks need. Built once, read by every check. */
export interface ManifestSet {
  objects: readonly K8sObject[];
  pods: readonly PodView[];
  /** Namespace objects present in the input, by name. */
  namespaceObjects: ReadonlyMap<string, K8sObject>;
  /** Every namespace that appears (as an object or as the namespace of a namespaced object). */
  namespaces: readonly string[];
  byKind(kind: string): readonly K8sObject[];
  inNamespace(namespace: string): readonly K8sObject[];
}

export function buildManifestSet(objects: readonly K8sObject[]): ManifestSet {
  const byKind = new Map<string, K8sObject[]>();
  const byNamespace = new Map<string, K8sObject[]>();
  const namespaceObjects = new Map<string, K8sObject>();
  const pods: PodView[] = [];
  for (const object of objects) {
    push(byKind, object.kind, object);
    const ns = effectiveNamespace(object);
    if (ns !== undefined) push(byNamespace, ns, object);
    if (object.kind === 'Namespace') namespaceObjects.set(object.metadata.name, object);
    const pod = extractPod(object);
    if (pod) pods.push(pod);
  }
  const namespaces = [...new Set([...namespaceObjects.keys(), ...byNamespace.keys()])].sort();
  return {
    objects,
    pods,
    namespaceObjects,
    namespaces,
    byKind: (kind) => byKind.get(kind) ?? [],
    inNamespace: (namespace) => byNamespace.get(namespace) ?? [],
  };
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
