import type { Ordering, VersionComparator } from './comparator.js';
import { compareDigits, compareStrings } from './comparator.js';

/**
 * RubyGems versions, as `Gem::Version#<=>` orders them. A `-` means `.pre.`; the string splits into runs of
 * digits (numbers) and letters (strings, case-sensitive); trailing zeros are dropped from the leading numeric
 * part and from the part after the first string, so `1.0 == 1` and `1.0.a == 1.a`. Segments compare one by
 * one, a missing segment counts as 0, numbers by value, strings bytewise, and a string is older than a number,
 * which is what makes `1.0.a` (a pre-release) older than `1.0`.
 */
type Segment = string | { num: string };

const VALID = /^\s*([0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)?\s*$/;

function segments(version: string): Segment[] {
  const v = version.trim() === '' ? '0' : version.trim().replace(/-/g, '.pre.');
  return (v.match(/[0-9]+|[a-z]+/gi) ?? []).map((s) => (/^[0-9]+$/.test(s) ? { num: s } : s));
}

const isZero = (s: Segment | undefined): boolean => typeof s === 'object' && /^0+$/.test(s.num);

function canonicalSegments(version: string): Segment[] {
  const all = segments(version);
  const firstString = all.findIndex((s) => typeof s === 'string');
  const numeric = firstString < 0 ? all : all.slice(0, firstString);
  const rest = firstString < 0 ? [] : all.slice(firstString);
  const trim = (list: Segment[]): Segment[] => {
    const out = [...list];
    while (out.length > 0 && isZero(out[out.length - 1])) out.pop();
    return out;
  };
  return [...trim(numeric), ...trim(rest)];
}

function compareSegment(a: Segment, b: Segment): Ordering {
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'string') return -1;
  if (typeof b === 'string') return 1;
  return compareDigits(a.num, b.num);
}

export function compareRubyGems(a: string, b: string): Ordering {
  const x = canonicalSegments(a);
  const y = canonicalSegments(b);
  const zero: Segment = { num: '0' };
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const r = compareSegment(x[i] ?? zero, y[i] ?? zero);
    if (r !== 0) return r;
  }
  return 0;
}

export const rubyGemsComparator: VersionComparator = {
  id: 'rubygems',
  ecosystems: ['RubyGems'],
  compare: compareRubyGems,
  isValid: (version) => VALID.test(version),
};
