import type { K8sObject, JsonObject } from './object.js';
import { getPath, isObject, stringMap, asArray } from './object.js';

/**
 * Every workload kind carries a pod template somewhere; this table is the one place that knows where.
 * Path segments lead from the object root to the pod template (metadata + spec) or, for Pod, to the pod.
 */
const POD_TEMPLATE_PATHS: Record<string, readonly string[]> = {
  Pod: [],
  PodTemplate: ['template'],
  Deployment: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

export const WORKLOAD_KINDS: readonly string[] = Object.keys(POD_TEMPLATE_PATHS);

export type ContainerKind = 'containers' | 'initContainers' | 'ephemeralContainers';

export interface ContainerView {
  container: JsonObject;
  name: string;
  kind: ContainerKind;
  index: number;
  /** Dotted path from the object root, e.g. `spec.template.spec.containers[0]`. */
  path: string;
}

/** A pod (or pod template) inside a workload object. */
export interface PodView {
  object: K8sObject;
  /** Labels and annotations of the pod itself (the template's for controllers). */
  podMeta: { labels: Record<string, string>; annotations: Record<string, string> };
  spec: JsonObject;
  /** Dotted path of the pod spec from the object root, e.g. `spec.template.spec`; `spec` for Pods. */
  specPath: string;
}

export function extractPod(object: K8sObject): PodView | undefined {
  const templatePath = POD_TEMPLATE_PATHS[object.kind];
  if (!templatePath) return undefined;
  const template = templatePath.length === 0 ? object.raw : getPath(object.raw, templatePath);
  if (!isObject(template)) return undefined;
  const spec = template['spec'];
  if (!isObject(spec)) return undefined;
  const meta = isObject(template['metadata']) ? template['metadata'] : {};
  return {
    object,
    podMeta: { labels: stringMap(meta['labels']), annotations: stringMap(meta['annotations']) },
    spec,
    specPath: [...templatePath, 'spec'].join('.'),
  };
}

const CONTAINER_KINDS: readonly ContainerKind[] = ['initContainers', 'containers', 'ephemeralContainers'];

/** All containers of a pod spec in a stable order: init, regular, ephemeral. */
export function containersOf(pod: Pick<PodView, 'spec' | 'specPath'>): ContainerView[] {
  const out: ContainerView[] = [];
  for (const kind of CONTAINER_KINDS) {
    asArray(pod.spec[kind]).forEach((container, index) => {
      if (!isObject(container)) return;
      const name = typeof container['name'] === 'string' ? container['name'] : `${kind}[${index}]`;
      out.push({ container, name, kind, index, path: `${pod.specPath}.${kind}[${index}]` });
    });
  }
  return out;
}
