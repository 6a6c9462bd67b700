/** The cluster as the NetworkPolicy engine sees it: namespaces with labels, pods, and parsed policies. */
import type { K8sObject } from '../../k8s/object.js';
import type { Cidr, IpAddress } from './ip.js';
import type { LabelSelector } from './selector.js';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

export interface ContainerPort {
  name?: string;
  port: number;
  protocol: Protocol;
}

export interface NetpolPod {
  namespace: string;
  name: string;
  labels: Readonly<Record<string, string>>;
  ports: readonly ContainerPort[];
  ips: readonly IpAddress[];
  /** The object the pod came from: a Pod, or a workload whose template stands for its pods. */
  object: K8sObject;
  /** True when the pod is a workload's template rather than a Pod object. */
  fromTemplate: boolean;
  hostNetwork: boolean;
}

export interface NamespaceInfo {
  name: string;
  /** Labels including the automatic `kubernetes.io/metadata.name`. */
  labels: Readonly<Record<string, string>>;
}

export type Direction = 'ingress' | 'egress';

export interface PortSpec {
  protocol: Protocol;
  /** Absent: every port of the protocol. */
  port?: number | string;
  endPort?: number;
}

export type Peer =
  | {
      kind: 'pods';
      /** Absent: every pod (in the namespaces chosen below). */
      podSelector?: LabelSelector;
      /** Absent: the policy's own namespace only. */
      namespaceSelector?: LabelSelector;
    }
  | { kind: 'ipBlock'; cidr: Cidr; except: readonly Cidr[] };

export interface PolicyRule {
  direction: Direction;
  index: number;
  /** Undefined: every peer (an empty or missing `from`/`to`). */
  peers?: readonly Peer[];
  /** Undefined: every port and protocol (an empty or missing `ports`). */
  ports?: readonly PortSpec[];
}

export interface NetworkPolicyModel {
  namespace: string;
  name: string;
  podSelector: LabelSelector;
  /** Which directions the policy isolates, after API defaulting of policyTypes. */
  isolates: { ingress: boolean; egress: boolean };
  ingress: readonly PolicyRule[];
  egress: readonly PolicyRule[];
  object: K8sObject;
}

export interface Cluster {
  namespaces: ReadonlyMap<string, NamespaceInfo>;
  pods: readonly NetpolPod[];
  policies: readonly NetworkPolicyModel[];
  /** Policies by namespace: only these can select a pod of that namespace. */
  policiesByNamespace: ReadonlyMap<string, readonly NetworkPolicyModel[]>;
  /** Everything else the cluster input held (Services, Nodes) for exposure questions. */
  objects: readonly K8sObject[];
}

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export function podRef(pod: Pick<NetpolPod, 'namespace' | 'name'>): string {
  return `${pod.namespace}/${pod.name}`;
}

export function policyRef(policy: Pick<NetworkPolicyModel, 'namespace' | 'name'>): string {
  return `${policy.namespace}/${policy.name}`;
}
