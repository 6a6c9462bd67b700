/**
 * Build the engine's cluster from loaded objects: Namespaces (labels), Pods (labels, container ports, IPs)
 * and NetworkPolicies. When the input holds no Pod at all (a manifest repository rather than a snapshot),
 * each workload's pod template stands for its pods, so policies can still be checked before deployment.
 */
import type { InputProblem } from '../../core/report.js';
import type { K8sObject } from '../../k8s/object.js';
import { asArray, effectiveNamespace, getPath, isObject } from '../../k8s/object.js';
import { containersOf, extractPod } from '../../k8s/pod-spec.js';
import type { IpAddress } from './ip.js';
import { parseIp } from './ip.js';
import type {
  Cluster,
  ContainerPort,
  NamespaceInfo,
  NetpolPod,
  NetworkPolicyModel,
  Protocol,
} from './model.js';
import { NAMESPACE_NAME_LABEL, PROTOCOLS } from './model.js';
import { parseNetworkPolicy } from './parse-policy.js';

export interface BuildResult {
  cluster: Cluster;
  /** Policies that could not be understood, naming file, line and field. They are left out of `cluster`. */
  problems: InputProblem[];
}

/** Terminated pods hold no IP that traffic can reach. */
const TERMINAL_PHASES = new Set(['Succeeded', 'Failed']);

export function buildCluster(objects: readonly K8sObject[]): BuildResult {
  const problems: InputProblem[] = [];
  const namespaceLabels = new Map<string, Record<string, string>>();
  const policies: NetworkPolicyModel[] = [];
  const podObjects = objects.filter((o) => o.kind === 'Pod');
  for (const object of objects) {
    if (object.kind === 'Namespace') namespaceLabels.set(object.metadata.name, { ...object.metadata.labels });
    // extensions/v1beta1 NetworkPolicies (old snapshots) have the same semantics.
    if (object.kind === 'NetworkPolicy' && /^(networking\.k8s\.io|extensions)\//.test(object.apiVersion)) {
      const parsed = parseNetworkPolicy(object);
      if (parsed.ok) policies.push(parsed.value);
      else
        problems.push({
          file: object.source.file,
          line: object.source.line,
          column: object.source.column,
          message: `NetworkPolicy ${effectiveNamespace(object)}/${object.metadata.name}: ${parsed.field}: ${parsed.message}`,
        });
    }
  }
  const pods =
    podObjects.length > 0
      ? podObjects.flatMap((o) => podFromObject(o, false))
      : objects.filter(isTopLevelWorkload).flatMap((o) => podFromObject(o, true));
  const namespaces = new Map<string, NamespaceInfo>();
  const addNamespace = (name: string) => {
    if (namespaces.has(name)) return;
    // The API server sets kubernetes.io/metadata.name on every namespace; selectors rely on it.
    const labels = { ...(namespaceLabels.get(name) ?? {}), [NAMESPACE_NAME_LABEL]: name };
    namespaces.set(name, { name, labels });
  };
  for (const name of namespaceLabels.keys()) addNamespace(name);
  for (const pod of pods) addNamespace(pod.namespace);
  for (const policy of policies) addNamespace(policy.namespace);
  const policiesByNamespace = new Map<string, NetworkPolicyModel[]>();
  for (const policy of policies) {
    const list = policiesByNamespace.get(policy.namespace);
    if (list) list.push(policy);
    else policiesByNamespace.set(policy.namespace, [policy]);
  }
  return { cluster: { namespaces, pods, policies, policiesByNamespace, objects }, problems };
}

/** Controllers that own a pod template directly; ReplicaSets and Jobs created by a parent are skipped. */
function isTopLevelWorkload(object: K8sObject): boolean {
  if (object.kind === 'Pod' || object.kind === 'PodTemplate') return false;
  if (asArray(getPath(object.raw, ['metadata', 'ownerReferences'])).length > 0) return false;
  return extractPod(object) !== undefined;
}

function podFromObject(object: K8sObject, fromTemplate: boolean): NetpolPod[] {
  const view = extractPod(object);
  if (!view) return [];
  if (!fromTemplate && TERMINAL_PHASES.has(String(getPath(object.raw, ['status', 'phase']) ?? ''))) return [];
  return [
    {
      namespace: effectiveNamespace(object) ?? 'default',
      name: object.metadata.name,
      labels: fromTemplate ? view.podMeta.labels : object.metadata.labels,
      ports: containerPorts(view),
      ips: fromTemplate ? [] : podIps(object),
      object,
      fromTemplate,
      hostNetwork: view.spec['hostNetwork'] === true,
    },
  ];
}

function containerPorts(view: NonNullable<ReturnType<typeof extractPod>>): ContainerPort[] {
  const out: ContainerPort[] = [];
  for (const { container, kind } of containersOf(view)) {
    if (kind === 'ephemeralContainers') continue; // ephemeral containers may not declare ports
    for (const raw of asArray(container['ports'])) {
      if (!isObject(raw)) continue;
      const port = Number(raw['containerPort']);
      if (!Number.isInteger(port) || port < 1 || port > 65535) continue;
      const protocol = raw['protocol'] ?? 'TCP';
      if (typeof protocol !== 'string' || !PROTOCOLS.includes(protocol as Protocol)) continue;
      out.push({
        port,
        protocol: protocol as Protocol,
        ...(typeof raw['name'] === 'string' && raw['name'] ? { name: raw['name'] } : {}),
      });
    }
  }
  return out;
}

/** status.podIPs (dual-stack) plus status.podIP, deduplicated. */
function podIps(object: K8sObject): IpAddress[] {
  const texts = [
    getPath(object.raw, ['status', 'podIP']),
    ...asArray(getPath(object.raw, ['status', 'podIPs'])).map((e) => getPath(e, ['ip'])),
  ].filter((t): t is string => typeof t === 'string' && t.length > 0);
  const out: IpAddress[] = [];
  for (const text of texts) {
    const ip = parseIp(text);
    if (ip && !out.some((o) => o.family === ip.family && o.value === ip.value)) out.push(ip);
  }
  return out;
}
