// The object under admission as kubeward's model sees it, and what kind of target it is for Pod Security.
import type { JsonObject, K8sObject } from '../k8s/object.js';
import { asArray, getPath, isObject, stringMap } from '../k8s/object.js';
import type { AdmissionRequest } from './review.js';

/** Resources with a pod template, as upstream's DefaultPodSpecExtractor lists them (`group/resource`). */
const POD_CONTROLLERS = new Set([
  '/replicationcontrollers',
  '/podtemplates',
  'apps/replicasets',
  'apps/deployments',
  'apps/statefulsets',
  'apps/daemonsets',
  'batch/jobs',
  'batch/cronjobs',
]);

/** Pod subresources that cannot change the pod spec; any other (ephemeralcontainers, resize, ...) is judged. */
const IGNORED_POD_SUBRESOURCES = new Set([
  'exec',
  'attach',
  'binding',
  'eviction',
  'log',
  'portforward',
  'proxy',
  'status',
]);

export type TargetKind = 'pod' | 'controller' | 'other' | 'ignored';

export function classifyRequest(request: AdmissionRequest): TargetKind {
  const key = `${request.resource.group}/${request.resource.resource}`;
  const sub = request.subResource ?? '';
  if (key === '/pods') return IGNORED_POD_SUBRESOURCES.has(sub) ? 'ignored' : 'pod';
  if (sub !== '') return 'ignored';
  return POD_CONTROLLERS.has(key) ? 'controller' : 'other';
}

export function toK8sObject(raw: JsonObject, request: AdmissionRequest): K8sObject {
  const meta = isObject(raw['metadata']) ? raw['metadata'] : {};
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  const name = str(meta['name']) ?? str(request.name) ?? str(meta['generateName']) ?? '';
  const namespace = str(meta['namespace']) ?? str(request.namespace);
  return {
    apiVersion:
      typeof raw['apiVersion'] === 'string'
        ? raw['apiVersion']
        : `${request.kind.group ? `${request.kind.group}/` : ''}${request.kind.version}`,
    kind: typeof raw['kind'] === 'string' ? raw['kind'] : request.kind.kind,
    metadata: {
      name,
      ...(namespace !== undefined ? { namespace } : {}),
      labels: stringMap(meta['labels']),
      annotations: stringMap(meta['annotations']),
    },
    raw,
    source: { file: `admission:${request.uid}`, line: 0, column: 0 },
  };
}

const SECCOMP_POD = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER = 'container.seccomp.security.alpha.kubernetes.io/';

/**
 * isSignificantPodUpdate: on a Pod UPDATE only images, seccomp annotations and ephemeral containers can change
 * what Pod Security judges, so anything else is admitted without evaluation (as upstream does).
 */
export function isSignificantPodUpdate(pod: JsonObject, oldPod: JsonObject): boolean {
  const annotations = stringMap(getPath(pod, ['metadata', 'annotations']));
  const oldAnnotations = stringMap(getPath(oldPod, ['metadata', 'annotations']));
  if (annotations[SECCOMP_POD] !== oldAnnotations[SECCOMP_POD]) return true;
  const list = (p: JsonObject, key: string) => asArray(getPath(p, ['spec', key])).filter(isObject);
  for (const key of ['containers', 'initContainers']) {
    const now = list(pod, key);
    const before = list(oldPod, key);
    if (now.length !== before.length) return true;
    for (let i = 0; i < now.length; i++)
      if (significantContainer(now[i] ?? {}, before[i] ?? {}, annotations, oldAnnotations)) return true;
  }
  const oldEphemeral = list(oldPod, 'ephemeralContainers');
  for (const c of list(pod, 'ephemeralContainers')) {
    const old = oldEphemeral.find((o) => o['name'] === c['name']);
    if (!old || significantContainer(c, old, annotations, oldAnnotations)) return true;
  }
  return false;
}

function significantContainer(
  c: JsonObject,
  old: JsonObject,
  annotations: Record<string, string>,
  oldAnnotations: Record<string, string>,
): boolean {
  if (c['image'] !== old['image']) return true;
  const key = `${SECCOMP_CONTAINER}${typeof c['name'] === 'string' ? c['name'] : ''}`;
  return annotations[key] !== oldAnnotations[key];
}

/** Every image string in an object's pod spec (for UPDATE: which images were there already). */
export function imagesIn(raw: unknown, specPath: string): Set<string> {
  const spec = getPath(raw, specPath.split('.'));
  const out = new Set<string>();
  if (!isObject(spec)) return out;
  for (const key of ['initContainers', 'containers', 'ephemeralContainers'])
    for (const c of asArray(spec[key]))
      if (isObject(c) && typeof c['image'] === 'string') out.add(c['image']);
  return out;
}
