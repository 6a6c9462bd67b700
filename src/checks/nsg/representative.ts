/**
 * One concrete address inside a rule's address item, to ask "would this rule decide for traffic it names?".
 * `*` and VirtualNetwork stand for a VM in the vnet, the usual thing an NSG protects.
 */
import { canonicalTag } from './address.js';
import type { NsgAddress } from './address.js';
import type { AddressItem } from './model.js';
import type { NetworkContext } from './network-context.js';

export function representativeAddress(item: AddressItem, ctx: NetworkContext): NsgAddress {
  const vnet = ctx.virtualNetwork[0];
  const inVnet = (): NsgAddress =>
    vnet
      ? {
          ip: { family: vnet.family, value: vnet.first + (vnet.last > vnet.first + 4n ? 4n : 0n) },
          label: item.text,
        }
      : { label: item.text };
  switch (item.kind) {
    case 'cidr':
      return { ip: { family: item.cidr.family, value: item.cidr.first }, label: item.text };
    case 'any':
      return inVnet();
    case 'asg': {
      const member = ctx.asgMembership.get(item.id.toLowerCase())?.[0];
      return member ? { ip: member, label: item.text } : { label: item.text };
    }
    case 'tag': {
      const name = canonicalTag(item.name);
      if (name === 'virtualnetwork') return inVnet();
      if (name === 'internet') return { label: 'Internet' };
      const first = ctx.serviceTags.get(name)?.[0];
      return first
        ? { ip: { family: first.family, value: first.first }, label: item.text }
        : { label: item.text };
    }
  }
}
