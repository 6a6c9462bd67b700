/**
 * The two ends of a connection: a pod of the cluster, or an address outside it. `Internet` (no address) is
 * an arbitrary public host that no policy names specifically: only ipBlocks covering every address
 * (0.0.0.0/0, ::/0) match it, whatever their `except`, since an arbitrary host lies outside any except.
 */
import type { IpAddress } from './ip.js';
import { parseIp } from './ip.js';
import type { Cluster, NetpolPod } from './model.js';
import { podRef } from './model.js';

export type Endpoint = { kind: 'pod'; pod: NetpolPod } | { kind: 'external'; ip?: IpAddress; label: string };

export const INTERNET: Endpoint = { kind: 'external', label: 'Internet' };

export function endpointLabel(endpoint: Endpoint): string {
  return endpoint.kind === 'pod' ? podRef(endpoint.pod) : endpoint.label;
}

export type EndpointResult = { ok: true; endpoint: Endpoint } | { ok: false; message: string };

/**
 * Parse `NAMESPACE/POD`, `ip:ADDRESS` (or a bare address) or `Internet`. An address that belongs to a pod of
 * the cluster is that pod: traffic to a pod IP is traffic to the pod, and its policies apply.
 */
export function resolveEndpoint(cluster: Cluster, text: string): EndpointResult {
  const value = text.trim();
  if (/^(internet|any)$/i.test(value)) return { ok: true, endpoint: INTERNET };
  const addressText = value.startsWith('ip:') ? value.slice(3) : value.includes('/') ? undefined : value;
  if (addressText !== undefined) {
    const ip = parseIp(addressText);
    if (!ip) return { ok: false, message: `not an IP address: "${addressText}"` };
    const pod = cluster.pods.find((p) => p.ips.some((a) => a.family === ip.family && a.value === ip.value));
    return { ok: true, endpoint: pod ? { kind: 'pod', pod } : { kind: 'external', ip, label: addressText } };
  }
  const [namespace, name, ...rest] = value.split('/');
  if (!namespace || !name || rest.length > 0)
    return { ok: false, message: `expected NAMESPACE/POD, ip:ADDRESS or Internet, got "${value}"` };
  const pod = cluster.pods.find((p) => p.namespace === namespace && p.name === name);
  if (!pod) return { ok: false, message: `no pod ${namespace}/${name} in the resources` };
  return { ok: true, endpoint: { kind: 'pod', pod } };
}
