import { fixedClock } from '../../core/clock.js';
import type { VulnMatch } from '../model.js';
import { VULN_SEVERITIES } from '../model.js';
import { ageInDays, type VulnReport } from '../report.js';

export const VULN_JSON_SCHEMA_VERSION = 1;

/** Fixed key order, so output does not depend on how the report was built. */
function matchJson(m: VulnMatch, generatedAt: string): Record<string, unknown> {
  const age = ageInDays(m.published, fixedClock(generatedAt));
  return {
    id: m.id,
    aliases: m.aliases,
    advisories: m.advisories,
    ...(m.summary ? { summary: m.summary } : {}),
    package: {
      name: m.package.name,
      version: m.package.version,
      ecosystem: m.package.ecosystem,
      purl: m.package.purl,
      path: m.package.path,
      ...(m.package.sourceName
        ? { source: { name: m.package.sourceName, version: m.package.sourceVersion ?? m.package.version } }
        : {}),
      ...(m.package.layer ? { layer: m.package.layer.digest } : {}),
    },
    matchedOn: m.matchedOn,
    fixedIn: m.fixedIn,
    status: m.status,
    ...(m.statusReason ? { statusReason: m.statusReason } : {}),
    severity: m.severity.level,
    ...(m.severity.score !== undefined ? { score: m.severity.score } : {}),
    ...(m.severity.vector ? { vector: m.severity.vector } : {}),
    severitySource: m.severity.source,
    ...(m.published ? { published: m.published } : {}),
    modified: m.modified,
    ...(age !== undefined ? { ageDays: age } : {}),
    references: m.references,
  };
}

/** The vulnerability report as a JSON value (`extra` adds sections such as the gate decision). */
export function vulnReportJson(
  report: VulnReport,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const bySeverity = Object.fromEntries(
    VULN_SEVERITIES.map((s) => [s, report.matches.filter((m) => m.severity.level === s).length]),
  );
  return {
    schemaVersion: VULN_JSON_SCHEMA_VERSION,
    tool: report.tool,
    generatedAt: report.generatedAt,
    input: report.input,
    subject:
      report.subject.kind === 'image'
        ? {
            kind: 'image',
            name: report.subject.name,
            manifestDigest: report.subject.manifestDigest,
            ...(report.subject.repository ? { repository: report.subject.repository } : {}),
          }
        : { kind: 'directory', name: report.subject.name, path: report.subject.path },
    ...(report.inventory.os ? { os: report.inventory.os } : {}),
    database: report.db,
    summary: {
      total: report.matches.length,
      bySeverity,
      packages: report.packagesChecked,
      suppressed: report.suppressed.length,
      filtered: report.filtered,
    },
    vulnerabilities: report.matches.map((m) => matchJson(m, report.generatedAt)),
    suppressed: report.suppressed.map((s) => ({ ...matchJson(s.match, report.generatedAt), vex: s.by })),
    warnings: report.warnings,
    ...extra,
  };
}

export function formatVulnJson(report: VulnReport, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify(vulnReportJson(report, extra), null, 2)}\n`;
}
