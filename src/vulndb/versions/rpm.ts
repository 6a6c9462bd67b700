import type { Ordering, VersionComparator } from './comparator.js';
import { compareDigits, compareStrings, isAsciiAlpha, isAsciiDigit } from './comparator.js';

/**
 * RPM ordering. `rpmvercmp` (rpmio/rpmvercmp.c) splits both strings into runs of ASCII letters or digits,
 * skipping every other character as a separator; digit runs beat letter runs and compare by value, letter runs
 * compare bytewise; `~` sorts before anything (even the end, for pre-releases) and `^` after the end but
 * before anything else (for post-release snapshots). `rpmverCmp` (rpmio/rpmver.c) applies it to
 * `[epoch:]version[-release]`: the epoch is the leading digits before a colon (missing is 0), the release
 * follows the last hyphen, and a missing release sorts before any release.
 */
export function rpmvercmp(a: string, b: string): Ordering {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  const isAlnum = (c: string | undefined): boolean => isAsciiDigit(c) || isAsciiAlpha(c);
  const isSeparator = (c: string | undefined): boolean =>
    c !== undefined && !isAlnum(c) && c !== '~' && c !== '^';
  while (i < a.length || j < b.length) {
    while (isSeparator(a[i])) i++;
    while (isSeparator(b[j])) j++;

    // Tilde sorts before everything else, including the end of the string.
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++;
      j++;
      continue;
    }
    // Caret is like tilde, except that a string that has ended sorts before it.
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++;
      j++;
      continue;
    }
    if (!(i < a.length && j < b.length)) break;

    const numeric = isAsciiDigit(a[i]);
    const inRun = numeric ? isAsciiDigit : isAsciiAlpha;
    let ei = i;
    let ej = j;
    while (inRun(a[ei])) ei++;
    while (inRun(b[ej])) ej++;
    // Segments of different kinds: the numeric one is newer.
    if (ej === j) return numeric ? 1 : -1;
    const x = a.slice(i, ei);
    const y = b.slice(j, ej);
    const rc = numeric ? compareDigits(x, y) : compareStrings(x, y);
    if (rc !== 0) return rc;
    i = ei;
    j = ej;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i < a.length ? 1 : -1;
}

interface Evr {
  epoch: string;
  version: string;
  release: string | undefined;
}

function parseEvr(evr: string): Evr {
  let s = 0;
  while (isAsciiDigit(evr[s])) s++;
  const hasEpoch = evr[s] === ':';
  const epoch = hasEpoch ? evr.slice(0, s) || '0' : '0';
  const rest = hasEpoch ? evr.slice(s + 1) : evr;
  const hyphen = rest.lastIndexOf('-');
  if (hyphen < 0) return { epoch, version: rest, release: undefined };
  return { epoch, version: rest.slice(0, hyphen), release: rest.slice(hyphen + 1) };
}

export function compareRpm(a: string, b: string): Ordering {
  const x = parseEvr(a);
  const y = parseEvr(b);
  const byEpoch = rpmvercmp(x.epoch, y.epoch);
  if (byEpoch !== 0) return byEpoch;
  const byVersion = rpmvercmp(x.version, y.version);
  if (byVersion !== 0) return byVersion;
  if (x.release === undefined || y.release === undefined) {
    return x.release === y.release ? 0 : x.release === undefined ? -1 : 1;
  }
  return rpmvercmp(x.release, y.release);
}

export const rpmComparator: VersionComparator = {
  id: 'rpm',
  ecosystems: [
    'Red Hat',
    'AlmaLinux',
    'Rocky Linux',
    'Azure Linux',
    'Mariner',
    'SUSE',
    'openSUSE',
    'openEuler',
    'Photon OS',
    'Mageia',
  ],
  compare: compareRpm,
  // rpm accepts any EVR without whitespace; a version part is required.
  isValid: (version) => version.length > 0 && !/\s/.test(version) && parseEvr(version).version.length > 0,
};
