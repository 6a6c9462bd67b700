/**
 * Whether one version lies in one OSV `affected[]` entry, exactly as the schema's "Evaluation" section defines:
 * a version is affected when it is in any ECOSYSTEM or SEMVER range or listed in `versions`. Within a range the
 * events are sorted by version (`introduced: "0"` first) and walked in order: an `introduced` at or below the
 * version turns "affected" on, a `fixed` at or below it turns it off, a `last_affected` below it turns it off.
 * A `limit` caps the range: versions at or above it are outside. GIT ranges hold commits, not versions, and
 * are skipped (their records usually carry `versions` as well).
 */
import type { Ordering } from './versions/comparator.js';
import { compareGeneric } from './versions/generic.js';
import { comparatorFor } from './versions/index.js';
import type { OsvAffected, OsvEvent, OsvRange } from './osv.js';

export interface AffectedVerdict {
  /** Fix versions above the installed one, from the range(s) that matched. */
  fixedIn: string[];
  /** `last_affected` of a matching range without a fix. */
  lastAffected?: string;
  /** How the version was found affected: a range (with events), or only the enumerated `versions` list. */
  via: 'range' | 'versions';
}

type Compare = (a: string, b: string) => Ordering;

/** The ordering a range uses: SEMVER ranges are SemVer 2.0 (a `v` tolerated), ECOSYSTEM ones the ecosystem's. */
export function compareForRange(type: string, ecosystem: string): Compare | undefined {
  if (type === 'SEMVER') return compareGeneric;
  if (type === 'ECOSYSTEM') return comparatorFor(ecosystem)?.compare;
  return undefined;
}

/** Evaluates `version` against one affected entry; undefined when it is not affected (or cannot be told). */
export function matchAffected(
  affected: OsvAffected,
  version: string,
  ecosystem: string,
): AffectedVerdict | undefined {
  const fixedIn: string[] = [];
  let lastAffected: string | undefined;
  let inRange = false;
  for (const range of affected.ranges ?? []) {
    const compare = compareForRange(range.type, ecosystem);
    if (!compare) continue;
    const result = evaluateRange(range, version, compare);
    if (!result) continue;
    inRange = true;
    if (result.fixed !== undefined && !fixedIn.includes(result.fixed)) fixedIn.push(result.fixed);
    if (result.lastAffected !== undefined) lastAffected = result.lastAffected;
  }
  if (inRange) return { fixedIn, ...(lastAffected !== undefined ? { lastAffected } : {}), via: 'range' };
  if (inVersions(affected.versions, version, ecosystem)) return { fixedIn: [], via: 'versions' };
  return undefined;
}

interface RangeResult {
  fixed?: string;
  lastAffected?: string;
}

interface SortedEvent {
  kind: 'introduced' | 'fixed' | 'last_affected';
  version: string;
}

/** The schema's includedInEvents, plus the fix (or last affected version) that closes the matching interval. */
export function evaluateRange(range: OsvRange, version: string, compare: Compare): RangeResult | undefined {
  const events: SortedEvent[] = [];
  for (const event of range.events) {
    const limit = event.limit;
    // `limit: "*"` means "no limit".
    if (limit !== undefined && limit !== '*' && compare(version, limit) >= 0) return undefined;
    const kind = kindOf(event);
    if (kind) events.push({ kind, version: event[kind] as string });
  }
  events.sort((a, b) => {
    const zeroA = a.kind === 'introduced' && a.version === '0';
    const zeroB = b.kind === 'introduced' && b.version === '0';
    if (zeroA || zeroB) return zeroA === zeroB ? 0 : zeroA ? -1 : 1;
    return compare(a.version, b.version);
  });
  let affected = false;
  let opened = -1;
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as SortedEvent;
    if (e.kind === 'introduced') {
      if (e.version === '0' || compare(version, e.version) >= 0) {
        affected = true;
        opened = i;
      }
    } else if (e.kind === 'fixed') {
      if (compare(version, e.version) >= 0) affected = false;
    } else if (compare(version, e.version) > 0) affected = false;
  }
  if (!affected) return undefined;
  // The event closing the interval that holds the version: the first fix or last_affected after the opening.
  for (let i = opened + 1; i < events.length; i++) {
    const e = events[i] as SortedEvent;
    if (e.kind === 'fixed') return { fixed: e.version };
    if (e.kind === 'last_affected') return { lastAffected: e.version };
  }
  return {};
}

function kindOf(event: OsvEvent): SortedEvent['kind'] | undefined {
  if (event.introduced !== undefined) return 'introduced';
  if (event.fixed !== undefined) return 'fixed';
  if (event.last_affected !== undefined) return 'last_affected';
  return undefined;
}

function inVersions(versions: readonly string[] | undefined, version: string, ecosystem: string): boolean {
  if (!versions || versions.length === 0) return false;
  if (versions.includes(version)) return true;
  // Equal under the ecosystem's ordering counts too (Maven `1.0` is `1.0.0`, PEP 440 `1.0` is `1.0.0`).
  const compare = comparatorFor(ecosystem)?.compare;
  return compare !== undefined && versions.some((v) => compare(v, version) === 0);
}
