/**
 * IPv4 and IPv6 addresses and CIDR blocks as bigints, so containment is two comparisons. Shared by the
 * NetworkPolicy engine (ipBlock) and the NSG engine (address prefixes).
 */
export type IpFamily = 4 | 6;

export interface IpAddress {
  family: IpFamily;
  value: bigint;
}

export interface Cidr {
  family: IpFamily;
  /** First address of the block (host bits cleared). */
  first: bigint;
  last: bigint;
  bits: number;
  text: string;
}

const WIDTH: Record<IpFamily, number> = { 4: 32, 6: 128 };

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  if (text.includes('%')) return undefined; // zone ids never appear in policies
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string | undefined): bigint[] | undefined => {
    if (!half) return [];
    const out: bigint[] = [];
    const pieces = half.split(':');
    for (const [index, piece] of pieces.entries()) {
      // An embedded IPv4 address (::ffff:10.0.0.1) counts as two groups and must come last.
      if (index === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIpv4(piece);
        if (v4 === undefined) return undefined;
        out.push(v4 >> 16n, v4 & 0xffffn);
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(piece)) return undefined;
      out.push(BigInt(`0x${piece}`));
    }
    return out;
  };
  const head = groups(halves[0]);
  const tail = groups(halves[1]);
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...head, ...Array<bigint>(halves.length === 1 ? 0 : missing).fill(0n), ...tail];
  return all.reduce((acc, g) => (acc << 16n) | g, 0n);
}

export function parseIp(text: string): IpAddress | undefined {
  const trimmed = text.trim();
  if (trimmed.includes(':')) {
    const value = parseIpv6(trimmed);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIpv4(trimmed);
  return value === undefined ? undefined : { family: 4, value };
}

/** Parse `ADDR/BITS`; a bare address is a single-host block. Host bits are cleared, as Go's ParseCIDR does. */
export function parseCidr(text: string, options: { allowBareAddress?: boolean } = {}): Cidr | undefined {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  if (slash < 0 && !options.allowBareAddress) return undefined;
  const address = parseIp(slash < 0 ? trimmed : trimmed.slice(0, slash));
  if (!address) return undefined;
  const width = WIDTH[address.family];
  const bitsText = slash < 0 ? String(width) : trimmed.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  if (bits > width) return undefined;
  const hostBits = BigInt(width - bits);
  const first = (address.value >> hostBits) << hostBits;
  const last = first | ((1n << hostBits) - 1n);
  return { family: address.family, first, last, bits, text: trimmed };
}

export function cidrContains(cidr: Cidr, ip: IpAddress): boolean {
  return cidr.family === ip.family && ip.value >= cidr.first && ip.value <= cidr.last;
}

/** True when `outer` holds every address of `inner`. */
export function cidrCovers(outer: Cidr, inner: Cidr): boolean {
  return outer.family === inner.family && outer.first <= inner.first && outer.last >= inner.last;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}

/** Private, shared, loopback and link-local ranges: addresses that are never "the Internet". */
const NON_PUBLIC = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '224.0.0.0/4',
  '240.0.0.0/4',
  '::1/128',
  '::/128',
  'fc00::/7',
  'fe80::/10',
  'ff00::/8',
].map((c) => parseCidr(c)!);

export function isPublicIp(ip: IpAddress): boolean {
  return !NON_PUBLIC.some((c) => cidrContains(c, ip));
}
