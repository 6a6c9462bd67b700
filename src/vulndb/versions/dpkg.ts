import type { Ordering, VersionComparator } from './comparator.js';
import { isAsciiAlpha, isAsciiDigit, sign } from './comparator.js';

/**
 * Debian version ordering, as dpkg's `verrevcmp` (lib/dpkg/version.c) and Debian Policy 5.6.12 define it:
 * `[epoch:]upstream[-revision]`; the epoch compares as a number, then upstream, then revision, each by
 * alternating non-digit runs (compared character by character, with `~` before everything, even the end,
 * and letters before other characters) and digit runs (compared as numbers). A missing revision is "",
 * which equals "0".
 */
interface DebianVersion {
  epoch: number;
  upstream: string;
  revision: string;
}

function parse(version: string): DebianVersion {
  const v = version.trim();
  const colon = v.indexOf(':');
  let epoch = 0;
  let rest = v;
  if (colon >= 0 && isEpoch(v.slice(0, colon))) {
    epoch = Math.abs(Number(v.slice(0, colon)));
    rest = v.slice(colon + 1);
  }
  // The revision follows the last hyphen, so upstream versions may contain hyphens.
  const hyphen = rest.lastIndexOf('-');
  if (hyphen < 0) return { epoch, upstream: rest, revision: '' };
  return { epoch, upstream: rest.slice(0, hyphen), revision: rest.slice(hyphen + 1) };
}

/** dpkg reads the epoch with strtol, so a sign is accepted; it must be 0..INT_MAX. */
function isEpoch(text: string): boolean {
  return /^[+-]?[0-9]+$/.test(text) && Number(text) >= 0 && Number(text) <= 2147483647;
}

/** dpkg's `order()`: digits 0 (never reached here), letters by code, `~` below the end, others after letters. */
function order(c: string | undefined): number {
  if (c === undefined) return 0;
  if (isAsciiDigit(c)) return 0;
  if (isAsciiAlpha(c)) return c.charCodeAt(0);
  if (c === '~') return -1;
  return c.charCodeAt(0) + 256;
}

export function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    let firstDiff = 0;
    while ((i < a.length && !isAsciiDigit(a[i])) || (j < b.length && !isAsciiDigit(b[j]))) {
      const ac = order(a[i]);
      const bc = order(b[j]);
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    while (isAsciiDigit(a[i]) && isAsciiDigit(b[j])) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isAsciiDigit(a[i])) return 1;
    if (isAsciiDigit(b[j])) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

export function compareDpkg(a: string, b: string): Ordering {
  const x = parse(a);
  const y = parse(b);
  if (x.epoch !== y.epoch) return x.epoch < y.epoch ? -1 : 1;
  return sign(verrevcmp(x.upstream, y.upstream) || verrevcmp(x.revision, y.revision));
}

export const dpkgComparator: VersionComparator = {
  id: 'dpkg',
  ecosystems: ['Debian', 'Ubuntu', 'Echo'],
  compare: compareDpkg,
  // dpkg's parseversion: a numeric epoch before the first colon, an upstream part that starts with a digit,
  // and only the characters Debian Policy allows in each part.
  isValid(version) {
    const v = version.trim();
    const colon = v.indexOf(':');
    if (colon >= 0 && !isEpoch(v.slice(0, colon))) return false;
    const { upstream, revision } = parse(v);
    const hasRevision = v.slice(colon + 1).includes('-');
    return /^[0-9][A-Za-z0-9.+~:-]*$/.test(upstream) && (!hasRevision || /^[A-Za-z0-9.+~]+$/.test(revision));
  },
};
