/**
 * Pods that no policy can tell apart get the same verdicts, so the matrix is computed per class of pods
 * with identical namespace, labels, container ports and ipBlock memberships (the last only matters for
 * clusters whose policies use ipBlocks that cover pod IPs).
 */
import { cidrContains } from './ip.js';
import type { Cluster, ContainerPort, NetpolPod, Peer } from './model.js';
import { podRef } from './model.js';

export interface PodClass {
  id: string;
  namespace: string;
  labels: Readonly<Record<string, string>>;
  ports: readonly ContainerPort[];
  /** The pod every verdict of the class is computed with. */
  representative: NetpolPod;
  pods: readonly string[];
}

export function classifyPods(cluster: Cluster): PodClass[] {
  const blocks = distinctIpBlocks(cluster);
  const byKey = new Map<string, { pods: NetpolPod[] }>();
  for (const pod of cluster.pods) {
    const key = classKey(pod, blocks);
    const entry = byKey.get(key);
    if (entry) entry.pods.push(pod);
    else byKey.set(key, { pods: [pod] });
  }
  const classes = [...byKey.values()].map(({ pods }) => {
    const first = pods[0]!;
    return {
      namespace: first.namespace,
      labels: first.labels,
      ports: first.ports,
      representative: first,
      pods: pods.map(podRef).sort(),
    };
  });
  classes.sort((a, b) => compare(a.namespace, b.namespace) || compare(a.pods[0]!, b.pods[0]!));
  return classes.map((c, index) => ({ id: `c${index + 1}`, ...c }));
}

function classKey(pod: NetpolPod, blocks: readonly Extract<Peer, { kind: 'ipBlock' }>[]): string {
  const labels = Object.keys(pod.labels)
    .sort()
    .map((k) => `${k}=${pod.labels[k]}`)
    .join(',');
  const ports = pod.ports
    .map((p) => `${p.name ?? ''}:${p.port}/${p.protocol}`)
    .sort()
    .join(',');
  let ipSignature = '';
  if (blocks.length > 0 && pod.ips.length > 0) {
    for (const b of blocks) {
      const inside = pod.ips.some(
        (ip) => cidrContains(b.cidr, ip) && !b.except.some((e) => cidrContains(e, ip)),
      );
      ipSignature += inside ? '1' : '0';
    }
  }
  return `${pod.namespace}\u0000${labels}\u0000${ports}\u0000${ipSignature}`;
}

function distinctIpBlocks(cluster: Cluster): Extract<Peer, { kind: 'ipBlock' }>[] {
  const seen = new Map<string, Extract<Peer, { kind: 'ipBlock' }>>();
  for (const policy of cluster.policies)
    for (const rule of [...policy.ingress, ...policy.egress])
      for (const peer of rule.peers ?? [])
        if (peer.kind === 'ipBlock')
          seen.set(`${peer.cidr.text}|${peer.except.map((e) => e.text).join(',')}`, peer);
  return [...seen.values()];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
