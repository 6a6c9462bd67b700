import type { Ordering, VersionComparator } from './comparator.js';
import { compareDigits, isAsciiDigit } from './comparator.js';

/**
 * Packagist versions, the way Composer compares them: first Composer's `VersionParser::normalize` (drop a
 * leading `v` and build metadata, pad the release to four numbers, spell stability suffixes `alpha`, `beta`,
 * `RC`, `patch`, `dev`), then PHP's `version_compare`: split at `.`, `-`, `_`, `+` and at letter/digit
 * transitions; numbers by value; words by rank, `dev` < `alpha`=`a` < `beta`=`b` < `RC`=`rc` < a number <
 * `pl`=`p` (matched by prefix, so `patch` ranks as `p`), unknown words below `dev`; when one side runs out, a
 * number on the other side makes it newer and a word is ranked against a number.
 */
const MODIFIER = '[._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\\d+)*)?)?([.-]?dev)?';
const CLASSICAL = new RegExp(`^v?(\\d{1,5})(\\.\\d+)?(\\.\\d+)?(\\.\\d+)?${MODIFIER}$`, 'i');

function expandStability(s: string): string {
  const l = s.toLowerCase();
  if (l === 'a') return 'alpha';
  if (l === 'b') return 'beta';
  if (l === 'p' || l === 'pl') return 'patch';
  if (l === 'rc') return 'RC';
  return l;
}

/** Composer's VersionParser::normalize for plain release versions; other strings pass through unchanged. */
export function normalizeComposer(version: string): string {
  let v = version.trim();
  const plus = v.indexOf('+');
  if (plus > 0) v = v.slice(0, plus);
  const m = CLASSICAL.exec(v);
  if (!m) return v.replace(/^[vV](?=[0-9])/, '');
  let out = `${m[1]}${m[2] ?? '.0'}${m[3] ?? '.0'}${m[4] ?? '.0'}`;
  if (m[5] && m[5].toLowerCase() !== 'stable') {
    out += `-${expandStability(m[5])}${m[6] ? m[6].replace(/^[.-]+/, '') : ''}`;
  }
  if (m[7]) out += '-dev';
  return out;
}

/** php_canonicalize_version: separators become `.`, and a `.` goes between letters and digits. */
function canonicalize(version: string): string {
  if (version.length === 0) return '';
  let out = version[0] as string;
  const isDig = (c: string): boolean => isAsciiDigit(c);
  const isNdig = (c: string): boolean => !isAsciiDigit(c) && c !== '.';
  for (let i = 1; i < version.length; i++) {
    const p = version[i] as string;
    const lp = version[i - 1] as string;
    const last = out[out.length - 1];
    if (p === '-' || p === '_' || p === '+') {
      if (last !== '.') out += '.';
    } else if ((isNdig(lp) && isDig(p)) || (isDig(lp) && isNdig(p))) {
      if (last !== '.') out += '.';
      out += p;
    } else if (!/[0-9A-Za-z]/.test(p)) {
      if (last !== '.') out += '.';
    } else {
      out += p;
    }
  }
  return out;
}

const SPECIAL_FORMS: [string, number][] = [
  ['dev', 0],
  ['alpha', 1],
  ['a', 1],
  ['beta', 2],
  ['b', 2],
  ['RC', 3],
  ['rc', 3],
  ['#', 4],
  ['pl', 5],
  ['p', 5],
];

function formOrder(form: string): number {
  for (const [name, order] of SPECIAL_FORMS) if (form.startsWith(name)) return order;
  return -1;
}

function compareForms(a: string, b: string): Ordering {
  const x = formOrder(a);
  const y = formOrder(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * php_version_compare, ported statement by statement: elements are cut at `.` from the remaining string, and
 * when one side has elements left the first of them decides. A leading `#` marks PHP's internal "number" form.
 */
export function phpVersionCompare(a: string, b: string): Ordering {
  if (!a || !b) return !a && !b ? 0 : a ? 1 : -1;
  const v1 = a[0] === '#' ? a : canonicalize(a);
  const v2 = b[0] === '#' ? b : canonicalize(b);
  let p1 = 0;
  let p2 = 0;
  let n1: number | undefined = 0;
  let n2: number | undefined = 0;
  let compare: Ordering = 0;
  while (p1 < v1.length && p2 < v2.length && n1 !== undefined && n2 !== undefined) {
    const d1 = v1.indexOf('.', p1);
    const d2 = v2.indexOf('.', p2);
    n1 = d1 < 0 ? undefined : d1;
    n2 = d2 < 0 ? undefined : d2;
    const x = v1.slice(p1, n1);
    const y = v2.slice(p2, n2);
    if (isAsciiDigit(x[0]) && isAsciiDigit(y[0])) compare = compareDigits(leadingDigits(x), leadingDigits(y));
    else if (!isAsciiDigit(x[0]) && !isAsciiDigit(y[0])) compare = compareForms(x, y);
    else compare = isAsciiDigit(x[0]) ? compareForms('#N#', y) : compareForms(x, '#N#');
    if (compare !== 0) break;
    if (n1 !== undefined) p1 = n1 + 1;
    if (n2 !== undefined) p2 = n2 + 1;
  }
  if (compare === 0) {
    if (n1 !== undefined) compare = isAsciiDigit(v1[p1]) ? 1 : phpVersionCompare(v1.slice(p1), '#N#');
    else if (n2 !== undefined) compare = isAsciiDigit(v2[p2]) ? -1 : phpVersionCompare('#N#', v2.slice(p2));
  }
  return compare;
}

function leadingDigits(s: string): string {
  return /^[0-9]+/.exec(s)?.[0] ?? '0';
}

export function compareComposer(a: string, b: string): Ordering {
  return phpVersionCompare(normalizeComposer(a), normalizeComposer(b));
}

export const composerComparator: VersionComparator = {
  id: 'composer',
  ecosystems: ['Packagist'],
  compare: compareComposer,
  isValid: (version) => CLASSICAL.test(version.trim().replace(/\+.*$/, '')),
};
