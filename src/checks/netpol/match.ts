/** Does one rule's peer or port entry match the other end of a connection? Pure, per Kubernetes semantics. */
import type { Endpoint } from './endpoint.js';
import type { IpAddress } from './ip.js';
import { cidrContains } from './ip.js';
import type { Cluster, Peer, PortSpec, Protocol } from './model.js';
import { matchesSelector } from './selector.js';

/**
 * A peer matches `other` (the source for ingress rules, the destination for egress rules). Selectors only
 * ever match pods; namespaceSelector alone means all pods of matching namespaces, podSelector alone means
 * pods of the policy's own namespace, both together must both hold. ipBlock matches external addresses and
 * also pod IPs: the API says ipBlock is meant for cluster-external addresses, but implementations (and the
 * upstream conformance tests, e.g. "should enforce except clause while egress access to server in CIDR
 * block") match pod IPs too, so we do.
 */
export function peerMatches(peer: Peer, policyNamespace: string, other: Endpoint, cluster: Cluster): boolean {
  if (peer.kind === 'ipBlock') {
    const inBlock = (ip: IpAddress) =>
      cidrContains(peer.cidr, ip) && !peer.except.some((e) => cidrContains(e, ip));
    if (other.kind === 'pod') return other.pod.ips.some(inBlock);
    // An arbitrary Internet host: only a block covering everything is sure to hold it.
    if (!other.ip) return peer.cidr.bits === 0;
    return inBlock(other.ip);
  }
  if (other.kind !== 'pod') return false;
  const pod = other.pod;
  if (peer.namespaceSelector) {
    const labels = cluster.namespaces.get(pod.namespace)?.labels ?? {};
    if (!matchesSelector(peer.namespaceSelector, labels)) return false;
  } else if (pod.namespace !== policyNamespace) {
    return false;
  }
  return !peer.podSelector || matchesSelector(peer.podSelector, pod.labels);
}

/**
 * A port entry matches a connection to `port`/`protocol` on `destination`. Named ports resolve against the
 * destination pod's container ports of the same protocol (for egress rules too: it is the destination that
 * names its ports), so a named port never matches an address outside the cluster.
 */
export function portMatches(
  spec: PortSpec,
  port: number,
  protocol: Protocol,
  destination: Endpoint,
): boolean {
  if (spec.protocol !== protocol) return false;
  if (spec.port === undefined) return true;
  if (typeof spec.port === 'number') {
    return spec.endPort === undefined ? port === spec.port : port >= spec.port && port <= spec.endPort;
  }
  if (destination.kind !== 'pod') return false;
  const name = spec.port;
  return destination.pod.ports.some((p) => p.name === name && p.protocol === protocol && p.port === port);
}
