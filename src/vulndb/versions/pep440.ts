import type { Ordering, VersionComparator } from './comparator.js';
import { compareDigits, compareStrings } from './comparator.js';

/**
 * Python versions, as PEP 440 and pypa/packaging's `Version` order them. Parsing normalises spelling:
 * case, a leading `v`, `.`/`-`/`_` separators, `alpha`/`beta`/`c`/`pre`/`preview` to `a`/`b`/`rc`,
 * `rev`/`r` and the implicit `1.0-1` to `post`, missing numbers to 0, so `1.0a1 == 1.0.0a1`. Order:
 * epoch, release (trailing zeros ignored), then pre-release (a dev release of the final version sorts before
 * its pre-releases), post-release, dev-release, and local version (absent first; numeric segments after
 * alphanumeric ones). Strings that are not PEP 440 get packaging's former `LegacyVersion` order, below every
 * PEP 440 version, because old releases on PyPI still carry them.
 */
const PATTERN = new RegExp(
  '^\\s*v?' +
    '(?:(?<epoch>[0-9]+)!)?' +
    '(?<release>[0-9]+(?:\\.[0-9]+)*)' +
    '(?<pre>[-_.]?(?<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<pre_n>[0-9]+)?)?' +
    '(?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_.]?(?<post_l>post|rev|r)[-_.]?(?<post_n2>[0-9]+)?))?' +
    '(?<dev>[-_.]?(?<dev_l>dev)[-_.]?(?<dev_n>[0-9]+)?)?' +
    '(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?' +
    '\\s*$',
  'i',
);

type Local = (string | { num: string })[];

interface Pep440 {
  epoch: string;
  release: string[];
  pre?: [letter: string, num: string];
  post?: string;
  dev?: string;
  local?: Local;
}

export function parsePep440(version: string): Pep440 | undefined {
  const g = PATTERN.exec(version)?.groups;
  if (!g) return undefined;
  const release = (g.release as string).split('.');
  // Trailing zeros do not count: 1.0 == 1.0.0.
  while (release.length > 1 && /^0+$/.test(release[release.length - 1] as string)) release.pop();
  const parsed: Pep440 = { epoch: g.epoch ?? '0', release };
  if (g.pre_l) parsed.pre = [normalisePre(g.pre_l.toLowerCase()), g.pre_n ?? '0'];
  if (g.post) parsed.post = g.post_n1 ?? g.post_n2 ?? '0';
  if (g.dev) parsed.dev = g.dev_n ?? '0';
  if (g.local) {
    parsed.local = g.local
      .toLowerCase()
      .split(/[-_.]/)
      .map((part) => (/^[0-9]+$/.test(part) ? { num: part } : part));
  }
  return parsed;
}

function normalisePre(letter: string): string {
  if (letter === 'alpha') return 'a';
  if (letter === 'beta') return 'b';
  if (letter === 'c' || letter === 'pre' || letter === 'preview') return 'rc';
  return letter;
}

function compareRelease(a: readonly string[], b: readonly string[]): Ordering {
  // Trailing zeros are already gone, so a plain tuple comparison is right.
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const r = compareDigits(a[i] as string, b[i] as string);
    if (r !== 0) return r;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Ranks for packaging's Infinity / NegativeInfinity sentinels around a present value. */
const BELOW = -1;
const PRESENT = 0;
const ABOVE = 1;

function compareOptional<T>(
  a: T | undefined,
  b: T | undefined,
  missingA: number,
  missingB: number,
  cmp: (x: T, y: T) => Ordering,
): Ordering {
  const ra = a === undefined ? missingA : PRESENT;
  const rb = b === undefined ? missingB : PRESENT;
  if (ra !== rb) return ra < rb ? -1 : 1;
  return a !== undefined && b !== undefined ? cmp(a, b) : 0;
}

function compareLocal(a: Local, b: Local): Ordering {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as Local[number];
    const y = b[i] as Local[number];
    if (typeof x === 'string' || typeof y === 'string') {
      // Alphanumeric segments sort before numeric ones.
      if (typeof x !== 'string' || typeof y !== 'string') return typeof x === 'string' ? -1 : 1;
      const r = compareStrings(x, y);
      if (r !== 0) return r;
    } else {
      const r = compareDigits(x.num, y.num);
      if (r !== 0) return r;
    }
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export function comparePep440Versions(a: Pep440, b: Pep440): Ordering {
  const byEpoch = compareDigits(a.epoch, b.epoch) || compareRelease(a.release, b.release);
  if (byEpoch !== 0) return byEpoch;
  // packaging's _cmpkey: a bare dev release (1.0.dev0) sorts before 1.0a0; no pre-release sorts after any.
  const preMissing = (v: Pep440): number => (v.post === undefined && v.dev !== undefined ? BELOW : ABOVE);
  const byPre = compareOptional(
    a.pre,
    b.pre,
    preMissing(a),
    preMissing(b),
    (x, y) => compareStrings(x[0], y[0]) || compareDigits(x[1], y[1]),
  );
  return (
    byPre ||
    compareOptional(a.post, b.post, BELOW, BELOW, compareDigits) ||
    compareOptional(a.dev, b.dev, ABOVE, ABOVE, compareDigits) ||
    compareOptional(a.local, b.local, BELOW, BELOW, compareLocal)
  );
}

/** packaging < 22 `LegacyVersion` key: numeric parts zero-padded, words prefixed with `*`, `*final` last. */
export function legacyKey(version: string): string[] {
  const replacements: Record<string, string> = { pre: 'c', preview: 'c', '-': 'final-', rc: 'c', dev: '@' };
  const parts: string[] = [];
  const pieces = version.toLowerCase().split(/(\d+|[a-z]+|\.|-)/);
  const tokens: string[] = [];
  for (const raw of pieces) {
    const part = replacements[raw] ?? raw;
    if (!part || part === '.') continue;
    tokens.push(/^[0-9]/.test(part) ? part.padStart(8, '0') : `*${part}`);
  }
  tokens.push('*final');
  for (const part of tokens) {
    if (part.startsWith('*')) {
      // Drop a "-" before a pre-release tag, and trailing zeros of each numeric series.
      if (part < '*final') while (parts[parts.length - 1] === '*final-') parts.pop();
      while (parts[parts.length - 1] === '00000000') parts.pop();
    }
    parts.push(part);
  }
  return parts;
}

function compareLegacy(a: string, b: string): Ordering {
  const x = legacyKey(a);
  const y = legacyKey(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const r = compareStrings(x[i] as string, y[i] as string);
    if (r !== 0) return r;
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1;
}

export function comparePep440(a: string, b: string): Ordering {
  const x = parsePep440(a);
  const y = parsePep440(b);
  if (x && y) return comparePep440Versions(x, y);
  // A LegacyVersion has epoch -1, so it sorts before every PEP 440 version.
  if (x || y) return x ? 1 : -1;
  return compareLegacy(a, b);
}

export const pep440Comparator: VersionComparator = {
  id: 'pep440',
  ecosystems: ['PyPI'],
  compare: comparePep440,
  isValid: (version) => parsePep440(version) !== undefined,
};
