/**
 * Does a rule's address item hold an address? Service tags resolve against the network context:
 * VirtualNetwork = vnet + peered + on-premises ranges; Internet = public addresses outside VirtualNetwork;
 * AzureLoadBalancer = 168.63.129.16 (the host address health probes come from). An address without an IP is
 * "an arbitrary Internet host": only items covering the whole Internet (*, Internet, a /0) hold it.
 */
import type { IpAddress } from '../netpol/ip.js';
import { cidrContains, isPublicIp } from '../netpol/ip.js';
import type { AddressItem } from './model.js';
import type { NetworkContext } from './network-context.js';
import { AZURE_LOAD_BALANCER_IP } from './network-context.js';

export interface NsgAddress {
  ip?: IpAddress;
  label: string;
}

export const INTERNET_ADDRESS: NsgAddress = { label: 'Internet' };

export function inVirtualNetwork(ip: IpAddress, ctx: NetworkContext): boolean {
  return ctx.virtualNetwork.some((c) => cidrContains(c, ip));
}

export function isAzureLoadBalancer(ip: IpAddress): boolean {
  return ip.family === 4 && ip.value === AZURE_LOAD_BALANCER_IP.value;
}

export function isInternet(ip: IpAddress, ctx: NetworkContext): boolean {
  return isPublicIp(ip) && !inVirtualNetwork(ip, ctx) && !isAzureLoadBalancer(ip);
}

/** Classic deployment spelled the built-in tags VIRTUAL_NETWORK, AZURE_LOADBALANCER and INTERNET. */
export function canonicalTag(name: string): string {
  const lower = name.toLowerCase();
  if (lower === 'virtual_network') return 'virtualnetwork';
  if (lower === 'azure_loadbalancer') return 'azureloadbalancer';
  return lower;
}

/** `unresolved` collects tags the context does not know (they match nothing). */
export function addressMatches(
  item: AddressItem,
  address: NsgAddress,
  ctx: NetworkContext,
  unresolved: Set<string>,
): boolean {
  const ip = address.ip;
  switch (item.kind) {
    case 'any':
      return true;
    case 'cidr':
      return ip ? cidrContains(item.cidr, ip) : item.cidr.bits === 0;
    case 'asg':
      return ip
        ? (ctx.asgMembership.get(item.id.toLowerCase()) ?? []).some(
            (m) => m.family === ip.family && m.value === ip.value,
          )
        : false;
    case 'tag': {
      const name = canonicalTag(item.name);
      if (name === 'internet') return ip ? isInternet(ip, ctx) : true;
      if (name === 'virtualnetwork') return ip ? inVirtualNetwork(ip, ctx) : false;
      if (name === 'azureloadbalancer') return ip ? isAzureLoadBalancer(ip) : false;
      const prefixes = ctx.serviceTags.get(name);
      if (!prefixes) {
        unresolved.add(item.name);
        return false;
      }
      return prefixes.some((c) => (ip ? cidrContains(c, ip) : c.bits === 0));
    }
  }
}
