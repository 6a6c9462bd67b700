// Pure: watched pods (and their owners) -> the workloads that run and the image digests to scan. The digest
// comes from the kubelet's `status.containerStatuses[].imageID` (what actually runs), not from the spec,
// whose tag may have moved since the pod started.
import { parseReference } from '../image/reference.js';
import type { JsonObject } from '../k8s/object.js';
import { asArray, isObject } from '../k8s/object.js';
import type { WorkloadRecord } from '../store/model.js';
import { DEFAULT_CLUSTER } from '../store/model.js';

export interface RunningImage {
  /** `registry/repository@sha256:...`, what the scanner pulls. */
  reference: string;
  /** `registry/repository`. */
  repository: string;
  digest: string;
  /** Tags the pods name for this digest. */
  tags: string[];
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;
const MAX_OWNER_DEPTH = 4;

function meta(object: JsonObject): JsonObject {
  return isObject(object['metadata']) ? object['metadata'] : {};
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}

/**
 * `docker-pullable://nginx@sha256:...` (dockershim), `docker.io/library/nginx@sha256:...` (containerd, CRI-O)
 * -> repository and digest. A bare `sha256:...` is the image config id on some runtimes, not a manifest
 * digest, so it cannot be pulled: the spec's image is used when it carries a digest, else nothing.
 */
export function digestOfImageId(
  imageID: string | undefined,
  specImage: string | undefined,
): { repository: string; digest: string } | undefined {
  const candidates = [imageID?.replace(/^[a-z-]+:\/\//, ''), specImage];
  for (const candidate of candidates) {
    if (!candidate) continue;
    const at = candidate.lastIndexOf('@');
    if (at <= 0) continue;
    const digest = candidate.slice(at + 1);
    if (!DIGEST.test(digest)) continue;
    try {
      const ref = parseReference(`${candidate.slice(0, at)}@${digest}`);
      return { repository: `${ref.registry}/${ref.repository}`, digest };
    } catch {
      // an unparseable name from the kubelet: try the next candidate
    }
  }
  return undefined;
}

function tagOf(image: string | undefined): string | undefined {
  if (!image || image.includes('@')) return undefined;
  try {
    return parseReference(image).tag;
  } catch {
    return undefined;
  }
}

interface ContainerImage {
  container: string;
  image: string;
  digest?: string;
  repository?: string;
  running: boolean;
}

function containerImages(pod: JsonObject): ContainerImage[] {
  const spec = isObject(pod['spec']) ? pod['spec'] : {};
  const status = isObject(pod['status']) ? pod['status'] : {};
  const specImages = new Map<string, string>();
  for (const field of ['initContainers', 'containers', 'ephemeralContainers'])
    for (const c of asArray(spec[field]))
      if (isObject(c) && str(c['name']) && str(c['image']))
        specImages.set(String(c['name']), String(c['image']));
  const out: ContainerImage[] = [];
  const seen = new Set<string>();
  for (const field of ['initContainerStatuses', 'containerStatuses', 'ephemeralContainerStatuses'])
    for (const s of asArray(status[field])) {
      if (!isObject(s)) continue;
      const name = str(s['name']);
      if (!name) continue;
      seen.add(name);
      const specImage = specImages.get(name);
      const image = specImage ?? str(s['image']) ?? '';
      const found = digestOfImageId(str(s['imageID']), specImage);
      const state = isObject(s['state']) ? s['state'] : {};
      out.push({
        container: name,
        image,
        running: isObject(state['running']),
        ...(found ? { digest: found.digest, repository: found.repository } : {}),
      });
    }
  // Containers without a status yet (pending pods) are still part of the workload.
  for (const [name, image] of specImages)
    if (!seen.has(name)) out.push({ container: name, image, running: false });
  return out;
}

function isLive(pod: JsonObject): boolean {
  const phase = isObject(pod['status']) ? pod['status']['phase'] : undefined;
  return phase !== 'Succeeded' && phase !== 'Failed';
}

/** Digests running now, once each, with the tags pods use for them. Sorted by reference. */
export function runningImages(pods: readonly JsonObject[]): RunningImage[] {
  const byDigest = new Map<string, RunningImage>();
  for (const pod of pods) {
    if (!isLive(pod)) continue;
    for (const c of containerImages(pod)) {
      if (!c.running || !c.digest || !c.repository) continue;
      const reference = `${c.repository}@${c.digest}`;
      const entry = byDigest.get(reference) ?? {
        reference,
        repository: c.repository,
        digest: c.digest,
        tags: [],
      };
      const tag = tagOf(c.image);
      if (tag && !entry.tags.includes(tag)) entry.tags.push(tag);
      byDigest.set(reference, entry);
    }
  }
  return [...byDigest.values()]
    .map((e) => ({ ...e, tags: e.tags.sort() }))
    .sort((a, b) => (a.reference < b.reference ? -1 : a.reference > b.reference ? 1 : 0));
}

/** `Kind/namespace/name` index of owners (ReplicaSets, Deployments, Jobs, CronJobs, ...). */
export function ownerIndex(objects: readonly JsonObject[]): Map<string, JsonObject> {
  const index = new Map<string, JsonObject>();
  for (const o of objects) {
    const kind = str(o['kind']);
    const name = str(meta(o)['name']);
    if (kind && name) index.set(`${kind}/${str(meta(o)['namespace']) ?? ''}/${name}`, o);
  }
  return index;
}

function controllerOf(object: JsonObject): { kind: string; name: string } | undefined {
  const refs = asArray(meta(object)['ownerReferences']).filter(isObject);
  const ref = refs.find((r) => r['controller'] === true) ?? refs[0];
  const kind = ref ? str(ref['kind']) : undefined;
  const name = ref ? str(ref['name']) : undefined;
  return kind && name ? { kind, name } : undefined;
}

/** The top of a pod's controller chain: Pod -> ReplicaSet -> Deployment, Pod -> Job -> CronJob. */
export function workloadOf(
  pod: JsonObject,
  owners: ReadonlyMap<string, JsonObject>,
): { kind: string; name: string } {
  const namespace = str(meta(pod)['namespace']) ?? '';
  let current = { kind: 'Pod', name: str(meta(pod)['name']) ?? '' };
  let object: JsonObject | undefined = pod;
  for (let depth = 0; depth < MAX_OWNER_DEPTH && object; depth++) {
    const owner = controllerOf(object);
    if (!owner) break;
    current = owner;
    object = owners.get(`${owner.kind}/${namespace}/${owner.name}`);
  }
  return current;
}

/** One record per workload with the images its live pods run (one entry per container and digest). */
export function workloadRecords(
  pods: readonly JsonObject[],
  owners: ReadonlyMap<string, JsonObject>,
  seenAt: string,
  cluster: string = DEFAULT_CLUSTER,
): WorkloadRecord[] {
  const records = new Map<string, WorkloadRecord>();
  for (const pod of pods) {
    if (!isLive(pod)) continue;
    const namespace = str(meta(pod)['namespace']) ?? 'default';
    const { kind, name } = workloadOf(pod, owners);
    const key = `${namespace}/${kind}/${name}`;
    const record = records.get(key) ?? { cluster, namespace, kind, name, images: [], seenAt };
    for (const c of containerImages(pod)) {
      const exists = record.images.some(
        (i) => i.container === c.container && i.image === c.image && i.digest === c.digest,
      );
      if (!exists)
        record.images.push({
          container: c.container,
          image: c.image,
          ...(c.digest ? { digest: c.digest } : {}),
        });
    }
    records.set(key, record);
  }
  const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...records.values()]
    .map((r) => ({
      ...r,
      images: r.images.sort((a, b) =>
        compare(`${a.container}|${a.digest ?? ''}`, `${b.container}|${b.digest ?? ''}`),
      ),
    }))
    .sort((a, b) => compare(`${a.namespace}/${a.kind}/${a.name}`, `${b.namespace}/${b.kind}/${b.name}`));
}
