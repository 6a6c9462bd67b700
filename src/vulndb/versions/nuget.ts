import type { Ordering, VersionComparator } from './comparator.js';
import { compareDigits, compareStrings } from './comparator.js';

/**
 * NuGet versions, as NuGet.Versioning's default `VersionComparer` orders them: SemVer 2.0.0 extended to four
 * numeric parts (`1.0` == `1.0.0.0`, leading zeros allowed), a release label after `-` that makes the version
 * older, labels compared part by part case-insensitively (ordinal, upper-cased), numeric parts (those that fit
 * a 32-bit int) by value and before alphanumeric ones, more parts newer. Build metadata after `+` is ignored.
 */
interface NuGetVersion {
  parts: string[];
  release: string[];
}

const PART = '[0-9A-Za-z-]+';
const PATTERN = new RegExp(
  `^\\s*([0-9]+(?:\\.[0-9]+){0,3})(?:-(${PART}(?:\\.${PART})*))?(?:\\+(${PART}(?:\\.${PART})*))?\\s*$`,
);
const INT32_MAX = '2147483647';

export function parseNuGet(version: string): NuGetVersion | undefined {
  const m = PATTERN.exec(version);
  if (!m) return undefined;
  const parts = (m[1] as string).split('.');
  while (parts.length < 4) parts.push('0');
  return { parts, release: m[2] === undefined ? [] : m[2].split('.') };
}

/** Int32.TryParse on a label part: digits only, within range. */
function asInt(label: string): string | undefined {
  return /^[0-9]+$/.test(label) && compareDigits(label, INT32_MAX) <= 0 ? label : undefined;
}

function ordinalIgnoreCase(a: string, b: string): Ordering {
  return compareStrings(a.toUpperCase(), b.toUpperCase());
}

function compareLabel(a: string, b: string): Ordering {
  const x = asInt(a);
  const y = asInt(b);
  if (x !== undefined && y !== undefined) return compareDigits(x, y);
  if (x !== undefined || y !== undefined) return x !== undefined ? -1 : 1;
  return ordinalIgnoreCase(a, b);
}

export function compareNuGetVersions(a: NuGetVersion, b: NuGetVersion): Ordering {
  for (let i = 0; i < 4; i++) {
    const r = compareDigits(a.parts[i] as string, b.parts[i] as string);
    if (r !== 0) return r;
  }
  if (a.release.length === 0 || b.release.length === 0) {
    return a.release.length === b.release.length ? 0 : a.release.length === 0 ? 1 : -1;
  }
  for (let i = 0; i < Math.max(a.release.length, b.release.length); i++) {
    const x = a.release[i];
    const y = b.release[i];
    if (x === undefined || y === undefined) return x === undefined ? -1 : 1;
    const r = compareLabel(x, y);
    if (r !== 0) return r;
  }
  return 0;
}

export function compareNuGet(a: string, b: string): Ordering {
  const x = parseNuGet(a);
  const y = parseNuGet(b);
  if (x && y) return compareNuGetVersions(x, y);
  // Unparseable strings sort first, among themselves case-insensitively, to keep the order total.
  if (!x && !y) return ordinalIgnoreCase(a, b);
  return x ? 1 : -1;
}

export const nugetComparator: VersionComparator = {
  id: 'nuget',
  ecosystems: ['NuGet'],
  compare: compareNuGet,
  isValid: (version) => parseNuGet(version) !== undefined,
};
