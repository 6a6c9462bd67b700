/**
 * The shape every version comparator shares, and the few helpers several of them need. A comparator follows
 * its ecosystem's own tool exactly (dpkg, apk-tools, rpm, packaging, Maven, ...), because a vulnerability
 * range is only as right as the ordering used to test it.
 */
export type Ordering = -1 | 0 | 1;

export interface VersionComparator {
  /** Stable id of the rule set, e.g. `dpkg`. */
  readonly id: string;
  /** OSV ecosystem names (without a `:release` suffix) this comparator serves. */
  readonly ecosystems: readonly string[];
  /** Total order on version strings of the ecosystem; never throws. */
  compare(a: string, b: string): Ordering;
  /** Whether the ecosystem's own tooling accepts the string as a version. */
  isValid?(version: string): boolean;
}

export function sign(n: number): Ordering {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** Plain code-unit comparison, the order of C's strcmp on ASCII and of Java/JS string comparison. */
export function compareStrings(a: string, b: string): Ordering {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Compares two runs of ASCII digits by value, of any length (no overflow, leading zeros ignored). */
export function compareDigits(a: string, b: string): Ordering {
  const x = stripZeros(a);
  const y = stripZeros(b);
  if (x.length !== y.length) return x.length < y.length ? -1 : 1;
  return compareStrings(x, y);
}

function stripZeros(digits: string): string {
  let i = 0;
  while (i < digits.length - 1 && digits[i] === '0') i++;
  return digits.slice(i);
}

export function isAsciiDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

export function isAsciiAlpha(c: string | undefined): boolean {
  return c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}
