import type { Ordering, VersionComparator } from './comparator.js';
import { compareDigits } from './comparator.js';
import { comparePrerelease } from './semver2.js';

/**
 * Go module versions, as golang.org/x/mod/semver orders them: `vMAJOR[.MINOR[.PATCH[-pre][+build]]]`, where
 * `v1` and `v1.2` are shorthands for `v1.0.0` and `v1.2.0` (without pre-release or build). Build metadata,
 * and so `+incompatible`, is ignored; pseudo-versions (`v0.0.0-20191109021931-daa7c04131f5`) are ordinary
 * pre-releases and sort by their timestamp. Invalid strings compare equal to each other and below every valid
 * version. OSV writes Go versions without the `v`, so a missing one is added first.
 */
interface GoVersion {
  major: string;
  minor: string;
  patch: string;
  pre: string[];
}

const NUM = '(0|[1-9][0-9]*)';
const IDENT = '[0-9A-Za-z-]+';
const FULL = new RegExp(
  `^v${NUM}(?:\\.${NUM}(?:\\.${NUM}(?:-(${IDENT}(?:\\.${IDENT})*))?(?:\\+${IDENT}(?:\\.${IDENT})*)?)?)?$`,
);

export function parseGo(version: string): GoVersion | undefined {
  const v = version.startsWith('v') ? version : `v${version}`;
  const m = FULL.exec(v);
  if (!m) return undefined;
  const pre = m[4] === undefined ? [] : m[4].split('.');
  // x/mod/semver's isBadNum: numeric pre-release identifiers must not have leading zeros.
  if (pre.some((id) => /^0[0-9]+$/.test(id))) return undefined;
  return { major: m[1] as string, minor: m[2] ?? '0', patch: m[3] ?? '0', pre };
}

export function compareGo(a: string, b: string): Ordering {
  const x = parseGo(a);
  const y = parseGo(b);
  if (!x || !y) return !x && !y ? 0 : x ? 1 : -1;
  return (
    compareDigits(x.major, y.major) ||
    compareDigits(x.minor, y.minor) ||
    compareDigits(x.patch, y.patch) ||
    comparePrerelease(x.pre, y.pre)
  );
}

export const goComparator: VersionComparator = {
  id: 'go',
  ecosystems: ['Go'],
  compare: compareGo,
  isValid: (version) => parseGo(version) !== undefined,
};
