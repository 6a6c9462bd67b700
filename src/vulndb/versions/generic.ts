import type { Ordering, VersionComparator } from './comparator.js';
import { compareStrings } from './comparator.js';
import type { SemVer } from './semver2.js';
import { compareSemVer } from './semver2.js';

/**
 * The fallback for ecosystems whose versions are SemVer in spirit but not always in letter, and for OSV's
 * `SEMVER` range type: SemVer 2.0.0 precedence with lenient parsing, as OSV tooling does it. A leading `v` is
 * dropped, missing minor or patch numbers are 0, numbers may have leading zeros and any length, a pre-release
 * may follow the numbers without a hyphen (`1.0.0beta`), and anything else after the numbers (`1.2.3.4`) is
 * treated as build metadata, which never affects precedence. Strings with no leading number sort before every
 * version and among themselves as plain strings.
 */
const LOOSE = /^[vV]?([0-9]+)(?:\.([0-9]+))?(?:\.([0-9]+))?(.*)$/s;

export function parseLooseSemVer(version: string): SemVer | undefined {
  const m = LOOSE.exec(version.trim());
  if (!m) return undefined;
  const rest = m[4] ?? '';
  const plus = rest.indexOf('+');
  const head = plus < 0 ? rest : rest.slice(0, plus);
  const build = plus < 0 ? [] : rest.slice(plus + 1).split('.');
  let pre: string[] = [];
  if (head.startsWith('-')) pre = head.slice(1).split('.');
  else if (/^[A-Za-z]/.test(head)) pre = head.split('.');
  return { major: m[1] as string, minor: m[2] ?? '0', patch: m[3] ?? '0', pre, build };
}

export function compareGeneric(a: string, b: string): Ordering {
  const x = parseLooseSemVer(a);
  const y = parseLooseSemVer(b);
  if (x && y) return compareSemVer(x, y);
  if (!x && !y) return compareStrings(a, b);
  return x ? 1 : -1;
}

export const genericComparator: VersionComparator = {
  id: 'generic',
  ecosystems: ['Hex', 'SwiftURL', 'Bitnami'],
  compare: compareGeneric,
  isValid: (version) => parseLooseSemVer(version) !== undefined,
};
