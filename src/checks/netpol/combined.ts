/**
 * One picture of the network: traffic from outside crosses the NSG (to the load balancer's frontend IP on
 * the service port, or to a node address on the NodePort, which is how AKS writes its NSG rules), then the
 * Service (loadBalancerSourceRanges; externalTrafficPolicy decides which source address the pod sees),
 * then the target pod's ingress policies with that address as an ipBlock peer. Every exposure path is
 * tried; the traffic gets in when one path passes all three.
 */
import type { NsgAddress } from '../nsg/address.js';
import type { NsgChainDecision, NsgPlacement } from '../nsg/evaluate.js';
import { evaluateNsgChain } from '../nsg/evaluate.js';
import type { NetworkContext } from '../nsg/network-context.js';
import type { Endpoint } from './endpoint.js';
import { endpointLabel } from './endpoint.js';
import type { Evaluator, SideVerdict } from './evaluate.js';
import { evaluateSide } from './evaluate.js';
import { explainSide } from './explain.js';
import type { Exposure } from './exposure.js';
import { findExposures, nodeAddresses } from './exposure.js';
import type { IpAddress } from './ip.js';
import { cidrContains } from './ip.js';
import type { NetpolPod, Protocol } from './model.js';
import { podRef } from './model.js';

export interface CombinedQuery {
  from: Extract<Endpoint, { kind: 'external' }>;
  to: NetpolPod;
  port: number;
  protocol: Protocol;
  nsgs?: NsgPlacement;
  network: NetworkContext;
  /** Node addresses to use instead of Node objects' (both as NodePort target and as SNAT source). */
  nodeIps?: readonly { ip: IpAddress; text: string }[];
}

export interface ExposurePath {
  exposure: Exposure;
  /** Where the traffic enters: the load balancer or node address and port the NSG sees. */
  entry: { address: string; port: number };
  nsg?: NsgChainDecision;
  service: { allowed: boolean; reason: string };
  /** The source the pod sees. */
  podSource: Endpoint;
  ingress: SideVerdict;
  allowed: boolean;
}

export interface CombinedVerdict {
  allowed: boolean;
  paths: readonly ExposurePath[];
  /** The path that let the traffic in, or the first that was tried. */
  deciding?: ExposurePath;
  reason: string;
}

export function evaluateCombined(evaluator: Evaluator, query: CombinedQuery): CombinedVerdict {
  const exposures = findExposures(evaluator.cluster.objects, query.to, query.port, query.protocol);
  const nodes = nodeAddresses(evaluator.cluster.objects);
  const entryNodes = query.nodeIps ?? (nodes.external.length > 0 ? nodes.external : nodes.internal);
  const snatSource = query.nodeIps?.[0] ?? nodes.internal[0];
  const paths: ExposurePath[] = [];
  for (const exposure of exposures) {
    const entries: { address: NsgAddress; port: number; viaNodePort: boolean }[] = [];
    if (exposure.type === 'LoadBalancer') {
      const ips = exposure.loadBalancerIps.map((ip) => ({ ip, label: formatAddress(ip) }));
      // No address in status yet: a public frontend IP the NSG does not name specifically.
      for (const address of ips.length > 0 ? ips : [{ label: 'the load balancer frontend IP' }])
        entries.push({ address, port: exposure.servicePort, viaNodePort: false });
    }
    if (exposure.nodePort !== undefined)
      for (const node of entryNodes)
        entries.push({
          address: { ip: node.ip, label: node.text },
          port: exposure.nodePort,
          viaNodePort: true,
        });
    for (const entry of entries) paths.push(evaluatePath(evaluator, query, exposure, entry, snatSource));
  }
  const deciding = paths.find((p) => p.allowed) ?? paths[0];
  if (!deciding)
    return {
      allowed: false,
      paths,
      reason: `no LoadBalancer or NodePort Service exposes ${podRef(query.to)} on ${query.protocol}/${query.port}`,
    };
  return { allowed: deciding.allowed, paths, deciding, reason: explainPath(deciding, query) };
}

function evaluatePath(
  evaluator: Evaluator,
  query: CombinedQuery,
  exposure: Exposure,
  entry: { address: NsgAddress; port: number; viaNodePort: boolean },
  snatSource: { ip: IpAddress; text: string } | undefined,
): ExposurePath {
  const client = query.from;
  const nsg =
    query.nsgs && (query.nsgs.subnet || query.nsgs.nic)
      ? evaluateNsgChain(
          query.nsgs,
          {
            direction: 'Inbound',
            protocol: query.protocol === 'SCTP' ? 'Any' : query.protocol,
            source: client.ip ? { ip: client.ip, label: client.label } : { label: client.label },
            destination: entry.address,
            destinationPort: entry.port,
          },
          query.network,
        )
      : undefined;
  const service = serviceStep(exposure, client, entry.viaNodePort);
  const podSource: Endpoint =
    exposure.externalTrafficPolicy === 'Local'
      ? client
      : snatSource
        ? { kind: 'external', ip: snatSource.ip, label: `node ${snatSource.text} (SNAT)` }
        : { kind: 'external', label: 'a node address (SNAT)' };
  const ingress = evaluateSide(
    evaluator,
    { from: podSource, to: { kind: 'pod', pod: query.to }, port: query.port, protocol: query.protocol },
    'ingress',
  );
  const allowed = (nsg?.allowed ?? true) && service.allowed && ingress.kind !== 'denied';
  return {
    exposure,
    entry: { address: entry.address.label, port: entry.port },
    ...(nsg ? { nsg } : {}),
    service,
    podSource,
    ingress,
    allowed,
  };
}

function serviceStep(
  exposure: Exposure,
  client: Extract<Endpoint, { kind: 'external' }>,
  viaNodePort: boolean,
) {
  const name = `${exposure.service.metadata.namespace ?? 'default'}/${exposure.service.metadata.name}`;
  const kind = viaNodePort
    ? `NodePort ${exposure.nodePort}`
    : `${exposure.type} port ${exposure.servicePort}`;
  // loadBalancerSourceRanges filter at the load balancer (on AKS: NSG rules the cloud provider writes).
  if (!viaNodePort && exposure.sourceRanges.length > 0) {
    const inside = client.ip
      ? exposure.sourceRanges.some((r) => cidrContains(r, client.ip!))
      : exposure.sourceRanges.some((r) => r.bits === 0);
    if (!inside)
      return {
        allowed: false,
        reason: `Service ${name} (${kind}) admits only ${exposure.sourceRanges.map((r) => r.text).join(', ')}`,
      };
  }
  return {
    allowed: true,
    reason: `Service ${name} (${kind}, externalTrafficPolicy ${exposure.externalTrafficPolicy})`,
  };
}

function explainPath(path: ExposurePath, query: CombinedQuery): string {
  const parts: string[] = [];
  if (path.nsg) {
    const r = path.nsg.rule;
    parts.push(
      `NSG ${path.nsg.nsg.name} ${r ? `rule ${r.name} (priority ${r.priority})` : 'no rule'} ${path.nsg.allowed ? 'allows' : 'denies'} ${endpointLabel(query.from)} -> ${path.entry.address}:${path.entry.port}`,
    );
  } else parts.push(`no NSG given for ${path.entry.address}:${path.entry.port}`);
  parts.push(path.service.reason);
  parts.push(
    explainSide(path.ingress, 'ingress', {
      from: path.podSource,
      to: { kind: 'pod', pod: query.to },
      port: query.port,
      protocol: query.protocol,
    }).replace(/^ingress: /, `pod ingress from ${endpointLabel(path.podSource)}: `),
  );
  return parts.join('; ');
}

function formatAddress(ip: IpAddress): string {
  if (ip.family === 4) return [24n, 16n, 8n, 0n].map((s) => String((ip.value >> s) & 0xffn)).join('.');
  const groups: string[] = [];
  for (let s = 112n; s >= 0n; s -= 16n) groups.push(((ip.value >> s) & 0xffffn).toString(16));
  return groups.join(':');
}
