/**
 * The address context service tags and application security groups resolve against (`--network FILE`):
 * `{vnetAddressSpace, peeredAddressSpaces, onPremAddressSpaces, asgMembership, serviceTags}`.
 */
import { ConfigError } from '../../core/errors.js';
import { asArray, isObject } from '../../k8s/object.js';
import type { Cidr, IpAddress } from '../netpol/ip.js';
import { parseCidr, parseIp } from '../netpol/ip.js';

export interface NetworkContext {
  /** VirtualNetwork: the vnet, its peers and on-premises ranges reached through a gateway. */
  virtualNetwork: readonly Cidr[];
  /** ASG resource ids, lower-cased (Azure ids are case-insensitive), to member addresses. */
  asgMembership: ReadonlyMap<string, readonly IpAddress[]>;
  /** Further service tags (Storage, AzureCloud.westeurope, ...), lower-cased name to prefixes. */
  serviceTags: ReadonlyMap<string, readonly Cidr[]>;
  /** True when the vnet ranges are the RFC 1918 stand-in, not the user's. */
  assumed: boolean;
}

/** Without a network file the vnet is assumed to be private address space, as AKS vnets are. */
export const DEFAULT_NETWORK_CONTEXT: NetworkContext = {
  virtualNetwork: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map((c) => parseCidr(c)!),
  asgMembership: new Map(),
  serviceTags: new Map(),
  assumed: true,
};

export const AZURE_LOAD_BALANCER_IP = parseIp('168.63.129.16')!;

const KEYS = [
  'vnetAddressSpace',
  'peeredAddressSpaces',
  'onPremAddressSpaces',
  'asgMembership',
  'serviceTags',
];

export function parseNetworkContext(value: unknown, file: string): NetworkContext {
  if (!isObject(value)) throw new ConfigError(`${file}: must be a map with vnetAddressSpace and friends`);
  for (const key of Object.keys(value))
    if (!KEYS.includes(key)) throw new ConfigError(`${file}: unknown key ${key} (known: ${KEYS.join(', ')})`);
  const cidrs = (list: unknown, at: string): Cidr[] => {
    if (list !== undefined && !Array.isArray(list))
      throw new ConfigError(`${file}: ${at}: must be a list of CIDRs`);
    return asArray(list).map((t, i) => {
      const c = typeof t === 'string' ? parseCidr(t, { allowBareAddress: true }) : undefined;
      if (!c) throw new ConfigError(`${file}: ${at}[${i}]: not a CIDR: ${JSON.stringify(t)}`);
      return c;
    });
  };
  const virtualNetwork = [
    ...cidrs(value['vnetAddressSpace'], 'vnetAddressSpace'),
    ...cidrs(value['peeredAddressSpaces'], 'peeredAddressSpaces'),
    ...cidrs(value['onPremAddressSpaces'], 'onPremAddressSpaces'),
  ];
  const asgMembership = new Map<string, IpAddress[]>();
  const asg = value['asgMembership'];
  if (asg !== undefined && !isObject(asg)) throw new ConfigError(`${file}: asgMembership: must be a map`);
  for (const [id, members] of Object.entries(asg ?? {})) {
    if (!Array.isArray(members)) throw new ConfigError(`${file}: asgMembership.${id}: must be a list of IPs`);
    asgMembership.set(
      id.toLowerCase(),
      members.map((m, i) => {
        const ip = typeof m === 'string' ? parseIp(m) : undefined;
        if (!ip) throw new ConfigError(`${file}: asgMembership.${id}[${i}]: not an IP: ${JSON.stringify(m)}`);
        return ip;
      }),
    );
  }
  const serviceTags = new Map<string, Cidr[]>();
  const tags = value['serviceTags'];
  if (tags !== undefined && !isObject(tags)) throw new ConfigError(`${file}: serviceTags: must be a map`);
  for (const [name, list] of Object.entries(tags ?? {}))
    serviceTags.set(name.toLowerCase(), cidrs(list, `serviceTags.${name}`));
  return { virtualNetwork, asgMembership, serviceTags, assumed: false };
}
