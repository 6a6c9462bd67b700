// A vulnerability report trimmed to what the store keeps per digest (StoredVuln), deduplicated and sorted.
import type { VulnReport } from '../../detect/report.js';
import type { StoredVuln } from '../../store/model.js';

export function storedVulnsOf(report: VulnReport): StoredVuln[] {
  const byKey = new Map<string, StoredVuln>();
  for (const m of report.matches) {
    const pkg = `${m.package.name}@${m.package.version}`;
    const key = `${pkg}\u0000${m.id}`;
    if (byKey.has(key)) continue; // the same name@version at two paths is one finding for drift
    byKey.set(key, {
      id: m.id,
      aliases: [...m.aliases],
      package: pkg,
      installed: m.package.version,
      fixedIn: [...m.fixedIn],
      status: m.status,
      severity: m.severity.level,
      ...(m.severity.score !== undefined ? { score: m.severity.score } : {}),
    });
  }
  return [...byKey.values()].sort((a, b) => cmp(a.package, b.package) || cmp(a.id, b.id));
}

/** Package name without the `@version` suffix (scoped npm names keep their leading `@`). */
export function packageNameOf(vuln: StoredVuln): string {
  const at = vuln.package.lastIndexOf('@');
  return at > 0 ? vuln.package.slice(0, at) : vuln.package;
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
