// Small pure helpers shared by the formatters: object labels, the rule list, counts and text sanitising.
import type { Finding, FindingTarget, RuleMeta } from '../core/finding.js';
import type { Report } from '../core/report.js';

/** Where users read about kubeward; SARIF `informationUri`. One place to change when the project moves. */
export const TOOL_INFORMATION_URI = 'https://github.com/kubeward/kubeward';

/** `Kind/namespace/name` for namespaced objects, `Kind/name` for cluster-scoped ones. */
export function objectLabel(target: FindingTarget): string {
  return target.namespace
    ? `${target.kind}/${target.namespace}/${target.name}`
    : `${target.kind}/${target.name}`;
}

/** The namespace a finding belongs to for grouping: a Namespace object counts as its own namespace. */
export function namespaceOf(target: FindingTarget): string | undefined {
  if (target.namespace) return target.namespace;
  return target.kind === 'Namespace' ? target.name : undefined;
}

/** `file:line:column` or `file:line` or `file`; undefined when the finding has no source location. */
export function locationLabel(finding: Pick<Finding, 'location'>): string | undefined {
  const loc = finding.location;
  if (!loc) return undefined;
  return loc.column > 0 ? `${loc.file}:${loc.line}:${loc.column}` : `${loc.file}:${loc.line}`;
}

/**
 * Every rule of the report sorted by id, plus a stand-in for any rule id a finding carries that the report's
 * rule list lacks (so SARIF `ruleIndex` and HTML lookups never dangle). The first finding's data fills it in.
 */
export function rulesOf(report: Report): RuleMeta[] {
  const byId = new Map<string, RuleMeta>();
  for (const rule of report.rules) if (!byId.has(rule.id)) byId.set(rule.id, rule);
  for (const f of report.findings) {
    if (byId.has(f.ruleId)) continue;
    byId.set(f.ruleId, {
      id: f.ruleId,
      severity: f.severity,
      title: f.title,
      description: f.title,
      remediation: f.remediation ?? '',
      references: f.references ?? [],
      category: f.category,
    });
  }
  return [...byId.values()].sort((a, b) => compareText(a.id, b.id));
}

/** Code-unit order, independent of the host locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Remediation of a finding, falling back to its rule's. */
export function remediationOf(finding: Finding, rule: RuleMeta | undefined): string {
  return finding.remediation ?? rule?.remediation ?? '';
}

/** References of a finding, falling back to its rule's. */
export function referencesOf(finding: Finding, rule: RuleMeta | undefined): readonly string[] {
  return finding.references ?? rule?.references ?? [];
}

/** True for absolute http(s) URLs, the only ones turned into links (no `javascript:` or `data:`). */
export function isWebUrl(value: string): boolean {
  return /^https?:\/\/[^\s]+$/i.test(value);
}
