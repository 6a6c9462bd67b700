/** A Kubernetes object as read from an input, with where it came from. */
export interface ObjectSource {
  file: string;
  /** 1-based line and column of the object's first key. */
  line: number;
  column: number;
  /** Helm's `# Source: chart/templates/x.yaml` comment above the document, when present. */
  helmSource?: string;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  /** The whole decoded object. Treat as hostile: fields may have any type. */
  raw: Record<string, unknown>;
  source: ObjectSource;
}

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Read a nested field by path segments; undefined when any step is missing or of the wrong type. */
export function getPath(value: unknown, path: readonly (string | number)[]): unknown {
  let current: unknown = value;
  for (const key of path) {
    if (typeof key === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[key];
    } else {
      if (!isObject(current)) return undefined;
      current = current[key];
    }
  }
  return current;
}

export function stringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(value)) return out;
  for (const [k, v] of Object.entries(value)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
  }
  return out;
}

export function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** Display name used in reports: `Kind/namespace/name` or `Kind/name`. */
export function objectRef(obj: Pick<K8sObject, 'kind' | 'metadata'>): string {
  const ns = obj.metadata.namespace;
  return ns ? `${obj.kind}/${ns}/${obj.metadata.name}` : `${obj.kind}/${obj.metadata.name}`;
}

/** Kinds that live at cluster scope; everything else defaults to the `default` namespace when unset. */
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'StorageClass',
  'PriorityClass',
  'RuntimeClass',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'IngressClass',
  'APIService',
  'CertificateSigningRequest',
]);

export function isClusterScoped(kind: string): boolean {
  return CLUSTER_SCOPED.has(kind);
}

/** The namespace an object lands in when applied: its own, or `default` for namespaced kinds. */
export function effectiveNamespace(obj: Pick<K8sObject, 'kind' | 'metadata'>): string | undefined {
  if (isClusterScoped(obj.kind)) return undefined;
  return obj.metadata.namespace ?? 'default';
}

/** Wrap a decoded value whose apiVersion and kind were already checked; metadata fields of the wrong type are dropped. */
export function toK8sObject(
  raw: JsonObject,
  apiVersion: string,
  kind: string,
  source: ObjectSource,
): K8sObject {
  const meta = isObject(raw['metadata']) ? raw['metadata'] : {};
  const name =
    typeof meta['name'] === 'string'
      ? meta['name']
      : typeof meta['generateName'] === 'string'
        ? `${meta['generateName']}*`
        : '';
  return {
    apiVersion,
    kind,
    metadata: {
      name,
      ...(typeof meta['namespace'] === 'string' && meta['namespace'] ? { namespace: meta['namespace'] } : {}),
      labels: stringMap(meta['labels']),
      annotations: stringMap(meta['annotations']),
    },
    raw,
    source,
  };
}
