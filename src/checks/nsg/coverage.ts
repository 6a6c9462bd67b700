/**
 * "Does rule A match every packet rule B matches?" Used to find shadowed rules. Only provable coverage
 * counts (a prefix inside a prefix, a tag equal to a tag, a tag whose known prefixes hold a prefix), so a
 * rule is never reported as shadowed when it is not.
 */
import { canonicalTag } from './address.js';
import { cidrCovers } from '../netpol/ip.js';
import type { AddressItem, NsgRule, PortRange } from './model.js';
import type { NetworkContext } from './network-context.js';

function itemCovers(outer: AddressItem, inner: AddressItem, ctx: NetworkContext): boolean {
  if (outer.kind === 'any') return true;
  if (outer.kind === 'cidr') return inner.kind === 'cidr' && cidrCovers(outer.cidr, inner.cidr);
  if (outer.kind === 'asg') return inner.kind === 'asg' && inner.id.toLowerCase() === outer.id.toLowerCase();
  if (inner.kind === 'tag') return canonicalTag(inner.name) === canonicalTag(outer.name);
  if (inner.kind !== 'cidr') return false;
  const name = canonicalTag(outer.name);
  const prefixes = name === 'virtualnetwork' ? ctx.virtualNetwork : (ctx.serviceTags.get(name) ?? []);
  return prefixes.some((p) => cidrCovers(p, inner.cidr));
}

const addressesCover = (outer: readonly AddressItem[], inner: readonly AddressItem[], ctx: NetworkContext) =>
  inner.every((i) => outer.some((o) => itemCovers(o, i, ctx)));

const portsCover = (outer: readonly PortRange[], inner: readonly PortRange[]) =>
  inner.every((i) => outer.some((o) => o.first <= i.first && o.last >= i.last));

export function ruleCovers(outer: NsgRule, inner: NsgRule, ctx: NetworkContext): boolean {
  return (
    outer.direction === inner.direction &&
    (outer.protocol === '*' || outer.protocol === inner.protocol) &&
    addressesCover(outer.sources, inner.sources, ctx) &&
    addressesCover(outer.destinations, inner.destinations, ctx) &&
    portsCover(outer.sourcePorts, inner.sourcePorts) &&
    portsCover(outer.destinationPorts, inner.destinationPorts)
  );
}

/** The rule's source reaches the whole Internet: `*`, the Internet tag or a /0 prefix. */
export function sourceIsInternet(rule: NsgRule): boolean {
  return rule.sources.some(
    (s) =>
      s.kind === 'any' ||
      (s.kind === 'tag' && canonicalTag(s.name) === 'internet') ||
      (s.kind === 'cidr' && s.cidr.bits === 0),
  );
}
