import type { Severity } from '../core/severity.js';
import type { Package } from '../inventory/model.js';

/** What a team can do about a match, from the distribution's or the advisory's own data. */
export type VendorStatus = 'fixed' | 'not-fixed' | 'will-not-fix' | 'unknown';

export const VENDOR_STATUSES: readonly VendorStatus[] = ['fixed', 'not-fixed', 'will-not-fix', 'unknown'];

/** `unknown` when the data has no score and no word for it: never silently "low". */
export type VulnSeverity = Severity | 'unknown';

export const VULN_SEVERITIES: readonly VulnSeverity[] = [
  'critical',
  'high',
  'medium',
  'low',
  'info',
  'unknown',
];

export interface SeverityInfo {
  level: VulnSeverity;
  /** CVSS base score when computed from a vector. */
  score?: number;
  vector?: string;
  /**
   * Which data the level came from: `CVSS:4.0`, `CVSS:3.1`, `CVSS:3.0` (computed from the vector),
   * `database_specific.severity` (GHSA), `Ubuntu` (Ubuntu priority), `Debian urgency`, or `none`.
   */
  source: string;
}

/** One vulnerability in one installed package, after duplicates (aliases) were merged. */
export interface VulnMatch {
  /** The record chosen to represent the vulnerability (see merge.ts for the choice). */
  id: string;
  /** Every other name: merged record ids, their aliases and upstream ids (CVE-...). Sorted. */
  aliases: string[];
  /** Downstream advisories folded in (e.g. a DSA naming this CVE). Sorted. */
  advisories: string[];
  summary?: string;
  package: Package;
  /** The OSV ecosystem and package name the record was matched on (Debian: the source package). */
  matchedOn: { ecosystem: string; name: string; version: string };
  fixedIn: string[];
  status: VendorStatus;
  /** Why the status is what it is, when the data says (e.g. `Debian urgency: unimportant`). */
  statusReason?: string;
  severity: SeverityInfo;
  published?: string;
  modified: string;
  references: string[];
}

export interface DetectResult {
  matches: VulnMatch[];
  /** Packages that could not be matched, and why (unknown OS release, no comparator). */
  warnings: string[];
  /** How many packages were looked up. */
  packagesChecked: number;
}
