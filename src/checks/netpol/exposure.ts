/**
 * How traffic from outside reaches a pod: a LoadBalancer or NodePort Service in the pod's namespace whose
 * selector matches the pod and whose targetPort resolves to the pod port. Addresses come from the Service
 * status (LoadBalancer ingress IPs) and from Node objects (or --node-ip) for NodePorts.
 */
import type { K8sObject } from '../../k8s/object.js';
import { asArray, effectiveNamespace, getPath, isObject, stringMap } from '../../k8s/object.js';
import type { Cidr, IpAddress } from './ip.js';
import { parseCidr, parseIp } from './ip.js';
import type { NetpolPod, Protocol } from './model.js';

export interface Exposure {
  service: K8sObject;
  type: 'LoadBalancer' | 'NodePort';
  servicePort: number;
  nodePort?: number;
  protocol: Protocol;
  /** Local keeps the client's address; Cluster replaces it with a node address (SNAT). */
  externalTrafficPolicy: 'Cluster' | 'Local';
  loadBalancerIps: readonly IpAddress[];
  /** spec.loadBalancerSourceRanges; empty allows every client. */
  sourceRanges: readonly Cidr[];
}

export function findExposures(
  objects: readonly K8sObject[],
  pod: NetpolPod,
  port: number,
  protocol: Protocol,
): Exposure[] {
  const out: Exposure[] = [];
  for (const service of objects) {
    if (service.kind !== 'Service' || effectiveNamespace(service) !== pod.namespace) continue;
    const type = getPath(service.raw, ['spec', 'type']);
    if (type !== 'LoadBalancer' && type !== 'NodePort') continue;
    const selector = stringMap(getPath(service.raw, ['spec', 'selector']));
    // A Service without selector has hand-made endpoints we cannot see.
    if (Object.keys(selector).length === 0) continue;
    if (!Object.entries(selector).every(([k, v]) => pod.labels[k] === v)) continue;
    for (const raw of asArray(getPath(service.raw, ['spec', 'ports']))) {
      if (!isObject(raw)) continue;
      const portProtocol = raw['protocol'] ?? 'TCP';
      if (portProtocol !== protocol) continue;
      const servicePort = Number(raw['port']);
      if (!Number.isInteger(servicePort)) continue;
      const target = raw['targetPort'] ?? servicePort;
      const targetPort =
        typeof target === 'string' && !/^\d+$/.test(target)
          ? pod.ports.find((p) => p.name === target && p.protocol === protocol)?.port
          : Number(target);
      if (targetPort !== port) continue;
      const nodePort = Number(raw['nodePort']);
      out.push({
        service,
        type,
        servicePort,
        ...(Number.isInteger(nodePort) && nodePort > 0 ? { nodePort } : {}),
        protocol,
        externalTrafficPolicy:
          getPath(service.raw, ['spec', 'externalTrafficPolicy']) === 'Local' ? 'Local' : 'Cluster',
        loadBalancerIps: type === 'LoadBalancer' ? loadBalancerIps(service) : [],
        sourceRanges: asArray(getPath(service.raw, ['spec', 'loadBalancerSourceRanges']))
          .map((r) => (typeof r === 'string' ? parseCidr(r, { allowBareAddress: true }) : undefined))
          .filter((c): c is Cidr => c !== undefined),
      });
    }
  }
  return out;
}

function loadBalancerIps(service: K8sObject): IpAddress[] {
  const texts = [
    ...asArray(getPath(service.raw, ['status', 'loadBalancer', 'ingress'])).map((i) => getPath(i, ['ip'])),
    getPath(service.raw, ['spec', 'loadBalancerIP']),
  ];
  const out: IpAddress[] = [];
  for (const t of texts) {
    const ip = typeof t === 'string' ? parseIp(t) : undefined;
    if (ip && !out.some((o) => o.value === ip.value && o.family === ip.family)) out.push(ip);
  }
  return out;
}

export interface NodeAddresses {
  external: readonly { ip: IpAddress; text: string }[];
  internal: readonly { ip: IpAddress; text: string }[];
}

/** Node addresses from Node objects' status.addresses. */
export function nodeAddresses(objects: readonly K8sObject[]): NodeAddresses {
  const external: { ip: IpAddress; text: string }[] = [];
  const internal: { ip: IpAddress; text: string }[] = [];
  for (const node of objects) {
    if (node.kind !== 'Node') continue;
    for (const a of asArray(getPath(node.raw, ['status', 'addresses']))) {
      const text = getPath(a, ['address']);
      const ip = typeof text === 'string' ? parseIp(text) : undefined;
      if (!ip || typeof text !== 'string') continue;
      const type = getPath(a, ['type']);
      if (type === 'ExternalIP') external.push({ ip, text });
      else if (type === 'InternalIP') internal.push({ ip, text });
    }
  }
  return { external, internal };
}
