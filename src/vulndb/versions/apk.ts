import type { Ordering, VersionComparator } from './comparator.js';
import { compareStrings, isAsciiDigit } from './comparator.js';

/**
 * Alpine package versions, as apk-tools 3 (src/version.c) orders them:
 * `digit{.digit}...{letter}{_suffix{digit}}...{~hash}{-r#}`. Tokens are compared pairwise while both sides
 * have a token of the same kind; numbers compare as unsigned 64-bit values, except that a non-initial number
 * with a leading zero on either side compares as a string (Gentoo's rule, so `8.2.0015 < 8.2.002`).
 * Suffixes rank `_alpha < _beta < _pre < _rc < (none) < _cvs < _svn < _git < _hg < _p`. When the kinds
 * differ, a pre-release suffix makes its side older; otherwise the side whose next token kind comes later
 * in the grammar (the end, or garbage) is older, so `1.0 < 1.0.1 < 1.0.1a`, and `1.0_rc1 < 1.0 < 1.0-r1`.
 */
const enum Token {
  InitialDigit,
  Digit,
  Letter,
  Suffix,
  SuffixNo,
  CommitHash,
  RevisionNo,
  End,
  Invalid,
}

const SUFFIX_INVALID = 0;
const SUFFIX_NONE = 5;
// Index is the rank; 0 is invalid and 5 ("no suffix") separates pre-releases from post-releases.
const SUFFIXES = ['', 'alpha', 'beta', 'pre', 'rc', '', 'cvs', 'svn', 'git', 'hg', 'p'];

interface TokenState {
  token: Token;
  suffix: number;
  number: bigint;
  value: string;
}

class Tokenizer {
  pos = 0;
  readonly t: TokenState = { token: Token.InitialDigit, suffix: SUFFIX_INVALID, number: 0n, value: '' };

  constructor(private readonly s: string) {
    this.parseDigits();
  }

  private parseDigits(): void {
    const start = this.pos;
    while (isAsciiDigit(this.s[this.pos])) this.pos++;
    this.t.value = this.s.slice(start, this.pos);
    // apk_blob_pull_uint accumulates into a uint64_t, wrapping on overflow.
    this.t.number = this.t.value ? BigInt.asUintN(64, BigInt(this.t.value)) : 0n;
    if (!this.t.value) this.t.token = Token.Invalid;
  }

  private span(accept: (c: string) => boolean): string {
    const start = this.pos;
    while (this.pos < this.s.length && accept(this.s[this.pos] as string)) this.pos++;
    return this.s.slice(start, this.pos);
  }

  next(): void {
    const t = this.t;
    if (this.pos >= this.s.length) {
      t.token = Token.End;
      return;
    }
    const c = this.s[this.pos] as string;
    if (c >= 'a' && c <= 'z') {
      if (t.token > Token.Digit) return this.invalid();
      t.value = c;
      t.token = Token.Letter;
      this.pos++;
    } else if (c === '.' || isAsciiDigit(c)) {
      if (c === '.') {
        if (t.token > Token.Digit) return this.invalid();
        this.pos++;
      }
      // apk-tools 3 rejects digits right after the letter (`5.7.1p1`); apk-tools 2, which Alpine releases
      // ship, reads them as another number, and real Alpine versions rely on it.
      if (t.token <= Token.Letter) t.token = Token.Digit;
      else if (t.token === Token.Suffix) t.token = Token.SuffixNo;
      else return this.invalid();
      this.parseDigits();
    } else if (c === '_') {
      if (t.token > Token.SuffixNo) return this.invalid();
      this.pos++;
      t.value = this.span((x) => x >= 'a' && x <= 'z');
      t.suffix = suffixValue(t.value);
      if (t.suffix === SUFFIX_INVALID) return this.invalid();
      t.token = Token.Suffix;
    } else if (c === '~') {
      if (t.token >= Token.CommitHash) return this.invalid();
      this.pos++;
      t.value = this.span((x) => isAsciiDigit(x) || (x >= 'a' && x <= 'f'));
      if (!t.value) return this.invalid();
      t.token = Token.CommitHash;
    } else if (c === '-') {
      if (t.token >= Token.RevisionNo || this.s[this.pos + 1] !== 'r') return this.invalid();
      this.pos += 2;
      t.token = Token.RevisionNo;
      this.parseDigits();
    } else {
      this.invalid();
    }
  }

  private invalid(): void {
    this.t.token = Token.Invalid;
  }
}

function suffixValue(suffix: string): number {
  const index = SUFFIXES.indexOf(suffix);
  return index <= 0 || index === SUFFIX_NONE ? SUFFIX_INVALID : index;
}

/** apk_blob_sort: bytewise on the common prefix, then the shorter first. */
function blobSort(a: string, b: string): Ordering {
  return compareStrings(a, b);
}

function tokenCompare(a: TokenState, b: TokenState): Ordering {
  switch (a.token) {
    case Token.Digit:
      if (a.value[0] === '0' || b.value[0] === '0') return blobSort(a.value, b.value);
      return bigCompare(a.number, b.number);
    case Token.InitialDigit:
    case Token.SuffixNo:
    case Token.RevisionNo:
      return bigCompare(a.number, b.number);
    case Token.Letter:
      return compareStrings(a.value, b.value);
    case Token.Suffix:
      return a.suffix < b.suffix ? -1 : a.suffix > b.suffix ? 1 : 0;
    default:
      return blobSort(a.value, b.value);
  }
}

function bigCompare(a: bigint, b: bigint): Ordering {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareApk(a: string, b: string): Ordering {
  // apk treats an empty version as "no version"; order it first so the comparison stays total.
  if (!a || !b) return !a && !b ? 0 : !a ? -1 : 1;
  const ta = new Tokenizer(a);
  const tb = new Tokenizer(b);
  while (ta.t.token === tb.t.token && ta.t.token < Token.End) {
    const r = tokenCompare(ta.t, tb.t);
    if (r !== 0) return r;
    ta.next();
    tb.next();
  }
  const x = ta.t;
  const y = tb.t;
  if (x.token === y.token) return 0;
  if (x.token === Token.Suffix && x.suffix < SUFFIX_NONE) return -1;
  if (y.token === Token.Suffix && y.suffix < SUFFIX_NONE) return 1;
  if (x.token > y.token) return -1;
  if (y.token > x.token) return 1;
  return 0;
}

export function isValidApk(version: string): boolean {
  const t = new Tokenizer(version);
  while (t.t.token < Token.End) t.next();
  return t.t.token === Token.End;
}

export const apkComparator: VersionComparator = {
  id: 'apk',
  ecosystems: ['Alpine', 'Wolfi', 'Chainguard', 'Alpaquita', 'MinimOS'],
  compare: compareApk,
  isValid: isValidApk,
};
