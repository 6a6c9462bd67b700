import type { Ordering } from './comparator.js';
import { compareDigits, compareStrings } from './comparator.js';

/**
 * Shared pieces of Semantic Versioning 2.0.0 (semver.org), used by the comparators whose ecosystems follow it
 * (crates.io, Pub, Hex, Go modules and the lenient generic fallback). Precedence (§11): major, minor and patch
 * numerically; a pre-release is older than its release; pre-release identifiers compare one by one, numeric
 * ones by value and before alphanumeric ones, alphanumeric ones in ASCII order, and a longer list wins when
 * one is a prefix of the other. Build metadata never affects precedence.
 */
export interface SemVer {
  major: string;
  minor: string;
  patch: string;
  pre: string[];
  build: string[];
}

const NUMERIC = /^[0-9]+$/;
const IDENT = '[0-9A-Za-z-]+';
const STRICT = new RegExp(
  `^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)` +
    `(?:-(${IDENT}(?:\\.${IDENT})*))?(?:\\+(${IDENT}(?:\\.${IDENT})*))?$`,
);

/** Parses a strict SemVer 2.0.0 version (no `v`, no leading zeros in numbers or numeric pre-releases). */
export function parseSemVer(version: string): SemVer | undefined {
  const m = STRICT.exec(version);
  if (!m) return undefined;
  const pre = m[4] === undefined ? [] : m[4].split('.');
  if (pre.some((id) => NUMERIC.test(id) && id.length > 1 && id.startsWith('0'))) return undefined;
  return {
    major: m[1] as string,
    minor: m[2] as string,
    patch: m[3] as string,
    pre,
    build: m[5] === undefined ? [] : m[5].split('.'),
  };
}

export function compareCore(a: SemVer, b: SemVer): Ordering {
  return (
    compareDigits(a.major, b.major) || compareDigits(a.minor, b.minor) || compareDigits(a.patch, b.patch)
  );
}

function compareIdentifier(a: string, b: string): Ordering {
  const an = NUMERIC.test(a);
  const bn = NUMERIC.test(b);
  if (an && bn) return compareDigits(a, b);
  if (an !== bn) return an ? -1 : 1;
  return compareStrings(a, b);
}

/** SemVer §11.4 on identifier lists; an empty list is a release and is newer than any pre-release. */
export function comparePrerelease(a: readonly string[], b: readonly string[]): Ordering {
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 0 : a.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const r = compareIdentifier(a[i] as string, b[i] as string);
    if (r !== 0) return r;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export function compareSemVer(a: SemVer, b: SemVer): Ordering {
  return compareCore(a, b) || comparePrerelease(a.pre, b.pre);
}
