/**
 * The vulnerability report: matches after filters and VEX, what was left out and why, and the database's age.
 * `toFindingsReport` turns it into kubeward Findings so the shared SARIF and HTML formatters render it too.
 */
import type { Clock } from '../core/clock.js';
import type { Finding, RuleMeta } from '../core/finding.js';
import { makeFinding, sortFindings } from '../core/finding.js';
import type { Report } from '../core/report.js';
import type { Severity } from '../core/severity.js';
import type { DirectorySubject, ImageSubject, Inventory } from '../inventory/model.js';
import type { VulnMatch, VulnSeverity } from './model.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface SuppressedMatch {
  match: VulnMatch;
  /** The VEX statement that suppressed it. */
  by: { status: string; justification?: string; impactStatement?: string; source: string };
}

export interface VulnReport {
  tool: { name: 'kubeward'; version: string };
  generatedAt: string;
  /** The reference or directory as the user gave it. */
  input: string;
  subject: ImageSubject | DirectorySubject;
  inventory: Inventory;
  matches: VulnMatch[];
  suppressed: SuppressedMatch[];
  /** Matches left out by `--severity` and `--ignore-unfixed`. */
  filtered: { severity: number; unfixed: number };
  db: { path: string; builtAt?: string; ageDays?: number };
  warnings: string[];
  packagesChecked: number;
}

export interface ReportFilters {
  /** Keep only these severities (empty: all). */
  severities?: readonly VulnSeverity[];
  /** Drop matches without a fix (not-fixed, will-not-fix, unknown). */
  ignoreUnfixed?: boolean;
}

const RANK: Record<VulnSeverity, number> = { critical: 5, high: 4, medium: 3, low: 2, info: 1, unknown: 0 };

/** Worst first, then package, then id: the order every format uses. */
export function compareMatches(a: VulnMatch, b: VulnMatch): number {
  return (
    RANK[b.severity.level] - RANK[a.severity.level] ||
    cmp(a.package.name, b.package.name) ||
    cmp(a.package.version, b.package.version) ||
    cmp(a.package.path, b.package.path) ||
    cmp(a.id, b.id)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function applyFilters(
  matches: readonly VulnMatch[],
  filters: ReportFilters,
): { kept: VulnMatch[]; filtered: VulnReport['filtered'] } {
  const filtered = { severity: 0, unfixed: 0 };
  const kept: VulnMatch[] = [];
  for (const m of matches) {
    if (
      filters.severities &&
      filters.severities.length > 0 &&
      !filters.severities.includes(m.severity.level)
    ) {
      filtered.severity++;
      continue;
    }
    if (filters.ignoreUnfixed && m.status !== 'fixed') {
      filtered.unfixed++;
      continue;
    }
    kept.push(m);
  }
  return { kept: kept.sort(compareMatches), filtered };
}

/** Whole days since an ISO time, by the injected clock; undefined without a time. */
export function ageInDays(iso: string | undefined, clock: Clock): number | undefined {
  if (!iso) return undefined;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms) || ms <= 0) return undefined;
  return Math.max(0, Math.floor((clock.now().getTime() - ms) / DAY_MS));
}

/** Unknown severity is shown as `info` among kubeward Findings, with the reason in the title. */
export function findingSeverity(level: VulnSeverity): Severity {
  return level === 'unknown' ? 'info' : level;
}

export function toFindingsReport(report: VulnReport): Report {
  const rules = new Map<string, RuleMeta>();
  const findings: Finding[] = report.matches.map((m) => {
    const fix =
      m.fixedIn.length > 0
        ? `upgrade ${m.package.name} to ${m.fixedIn.join(' or ')}`
        : 'no fixed version yet';
    if (!rules.has(m.id)) {
      rules.set(m.id, {
        id: m.id,
        severity: findingSeverity(m.severity.level),
        title: m.summary ?? `${m.id}${m.aliases.length > 0 ? ` (${m.aliases.slice(0, 3).join(', ')})` : ''}`,
        description: m.summary ?? `Vulnerability ${m.id}.`,
        remediation: fix,
        references: m.references,
        category: 'vulnerabilities',
      });
    }
    const score = m.severity.score !== undefined ? ` ${m.severity.score}` : '';
    return makeFinding({
      ruleId: m.id,
      severity: findingSeverity(m.severity.level),
      title: `${m.id} in ${m.package.name} ${m.package.version}${m.severity.level === 'unknown' ? ' (severity unknown)' : ''}`,
      detail:
        `${m.package.ecosystem} package ${m.package.name} ${m.package.version} (${m.package.path}) is affected; ` +
        `status ${m.status}${m.statusReason ? ` (${m.statusReason})` : ''}; ` +
        `${m.fixedIn.length > 0 ? `fixed in ${m.fixedIn.join(', ')}` : 'no fix'}; ` +
        `severity ${m.severity.level}${score} from ${m.severity.source}.`,
      category: 'vulnerabilities',
      target: { kind: 'Package', name: `${m.package.name}@${m.package.version}`, field: m.package.path },
      ...(report.subject.kind === 'directory'
        ? { location: { file: m.package.path, line: 1, column: 1 } }
        : {}),
      remediation: fix,
      references: m.references,
      properties: {
        vulnerabilityId: m.id,
        aliases: m.aliases,
        advisories: m.advisories,
        purl: m.package.purl,
        ecosystem: m.package.ecosystem,
        installedVersion: m.package.version,
        matchedOn: m.matchedOn,
        fixedIn: m.fixedIn,
        status: m.status,
        ...(m.statusReason ? { statusReason: m.statusReason } : {}),
        severitySource: m.severity.source,
        ...(m.severity.score !== undefined ? { score: m.severity.score } : {}),
        ...(m.severity.vector ? { vector: m.severity.vector } : {}),
        ...(m.published ? { published: m.published } : {}),
      },
    });
  });
  return {
    tool: report.tool,
    generatedAt: report.generatedAt,
    inputs: [report.input],
    findings: sortFindings(findings),
    rules: [...rules.values()].sort((a, b) => cmp(a.id, b.id)),
    problems: report.warnings.map((message) => ({ file: report.input, message })),
    stats: { objects: report.packagesChecked, files: 0, waived: report.suppressed.length },
  };
}
