// Small shared rules about stored vulnerabilities: identity across scans, fixability, severity filtering.
import type { Severity } from '../core/severity.js';
import { atOrAbove } from '../core/severity.js';
import type { StoredVuln, StoredVulnSeverity } from '../store/model.js';

/** The same vulnerability in the same package, across two scans of an image. */
export function vulnKey(v: Pick<StoredVuln, 'id' | 'package'>): string {
  return `${v.id}\u0000${v.package}`;
}

export function isFixable(v: StoredVuln): boolean {
  return v.fixedIn.length > 0;
}

/** `unknown` severity passes only when no minimum is set. */
export function meetsSeverity(severity: StoredVulnSeverity, minimum: Severity | undefined): boolean {
  if (!minimum) return true;
  return severity !== 'unknown' && atOrAbove(severity, minimum);
}

export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The store keeps `name@version` (scoped npm names keep their leading `@`); pages show the name alone. */
export function packageName(v: Pick<StoredVuln, 'package' | 'installed'>): string {
  const suffix = `@${v.installed}`;
  return v.package.endsWith(suffix) && v.package.length > suffix.length
    ? v.package.slice(0, -suffix.length)
    : v.package;
}
