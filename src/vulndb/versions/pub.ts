import type { Ordering, VersionComparator } from './comparator.js';
import { compareDigits, compareStrings } from './comparator.js';
import { compareGeneric } from './generic.js';

/**
 * Dart Pub versions, as package pub_semver orders them: `MAJOR.MINOR.PATCH[-pre][+build]` (leading zeros
 * allowed), numbers by value, a pre-release before its release, then build metadata after its absence. Pre-release
 * and build parts are lists of dot-separated parts where all-digit parts are numbers: numbers before strings,
 * strings in code-unit order, a missing part before a present one.
 */
interface PubVersion {
  major: string;
  minor: string;
  patch: string;
  pre: string[];
  build: string[];
}

const PART = '[0-9A-Za-z-]+';
const COMPLETE = new RegExp(
  `^([0-9]+)\\.([0-9]+)\\.([0-9]+)(?:-(${PART}(?:\\.${PART})*))?(?:\\+(${PART}(?:\\.${PART})*))?$`,
);

export function parsePub(version: string): PubVersion | undefined {
  const m = COMPLETE.exec(version);
  if (!m) return undefined;
  return {
    major: m[1] as string,
    minor: m[2] as string,
    patch: m[3] as string,
    pre: m[4] === undefined ? [] : m[4].split('.'),
    build: m[5] === undefined ? [] : m[5].split('.'),
  };
}

function compareParts(a: readonly string[], b: readonly string[]): Ordering {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const xn = /^[0-9]+$/.test(x);
    const yn = /^[0-9]+$/.test(y);
    if (xn && yn) {
      const r = compareDigits(x, y);
      if (r !== 0) return r;
      continue;
    }
    if (xn !== yn) return xn ? -1 : 1;
    return compareStrings(x, y);
  }
  return 0;
}

export function comparePub(a: string, b: string): Ordering {
  const x = parsePub(a);
  const y = parsePub(b);
  if (!x || !y) return compareGeneric(a, b);
  const core =
    compareDigits(x.major, y.major) || compareDigits(x.minor, y.minor) || compareDigits(x.patch, y.patch);
  if (core !== 0) return core;
  if (!x.pre.length !== !y.pre.length) return x.pre.length ? -1 : 1;
  const pre = compareParts(x.pre, y.pre);
  if (pre !== 0) return pre;
  if (!x.build.length !== !y.build.length) return x.build.length ? 1 : -1;
  return compareParts(x.build, y.build);
}

export const pubComparator: VersionComparator = {
  id: 'pub',
  ecosystems: ['Pub'],
  compare: comparePub,
  isValid: (version) => parsePub(version) !== undefined,
};
