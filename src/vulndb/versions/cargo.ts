import type { Ordering, VersionComparator } from './comparator.js';
import { compareDigits, compareStrings } from './comparator.js';
import { compareGeneric } from './generic.js';
import { compareSemVer, parseSemVer } from './semver2.js';

/**
 * crates.io versions, as Cargo's `semver` crate orders them: strict SemVer 2.0.0 precedence, and then, unlike
 * the SemVer specification, build metadata as a final tie-break (the crate's `Ord` must agree with `Eq`): no
 * metadata first, then identifier by identifier, numeric ones by value (with fewer leading zeros first) and
 * before alphanumeric ones, a longer list after its prefix. Strings the crate rejects fall back to the lenient
 * generic order.
 */
function compareBuildPart(a: string, b: string): Ordering {
  const an = /^[0-9]*$/.test(a);
  const bn = /^[0-9]*$/.test(b);
  if (an && bn)
    return compareDigits(a || '0', b || '0') || (a.length < b.length ? -1 : a.length > b.length ? 1 : 0);
  if (an !== bn) return an ? -1 : 1;
  return compareStrings(a, b);
}

export function compareBuild(a: readonly string[], b: readonly string[]): Ordering {
  // An absent build is the empty string, a single empty identifier, as the crate stores it.
  const x = a.length ? a : [''];
  const y = b.length ? b : [''];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const r = compareBuildPart(x[i] as string, y[i] as string);
    if (r !== 0) return r;
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}

export function compareCargo(a: string, b: string): Ordering {
  const x = parseSemVer(a);
  const y = parseSemVer(b);
  if (!x || !y) return compareGeneric(a, b);
  return compareSemVer(x, y) || compareBuild(x.build, y.build);
}

export const cargoComparator: VersionComparator = {
  id: 'cargo',
  ecosystems: ['crates.io'],
  compare: compareCargo,
  isValid: (version) => parseSemVer(version) !== undefined,
};
