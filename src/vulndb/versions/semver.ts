import semver from 'semver';
import type { Ordering, VersionComparator } from './comparator.js';
import { compareGeneric } from './generic.js';

/**
 * npm versions, ordered by node-semver itself (the library npm uses) in loose mode, as npm parses package
 * versions: a leading `v` or `=` and surrounding spaces are accepted, build metadata is ignored, pre-releases
 * follow SemVer 2.0.0. Strings node-semver rejects (over-long numbers, four parts) fall back to the lenient
 * generic SemVer order so the comparison stays total.
 */
const LOOSE = { loose: true } as const;

function parse(version: string): semver.SemVer | undefined {
  try {
    return new semver.SemVer(version, LOOSE);
  } catch {
    return undefined;
  }
}

export function compareNpm(a: string, b: string): Ordering {
  const x = parse(a);
  const y = parse(b);
  if (x && y) return x.compare(y);
  return compareGeneric(a, b);
}

export const npmComparator: VersionComparator = {
  id: 'npm',
  ecosystems: ['npm'],
  compare: compareNpm,
  isValid: (version) => parse(version) !== undefined,
};
