// Human-readable terminal output: findings grouped by object (the unit a user fixes), worst objects first.
import type { Finding } from '../core/finding.js';
import type { InputProblem, Report } from '../core/report.js';
import { countBySeverity } from '../core/report.js';
import type { Severity } from '../core/severity.js';
import { SEVERITIES } from '../core/severity.js';
import type { FormatOptions, Formatter } from './formatter.js';
import { locationLabel, objectLabel, plural } from './format-helpers.js';
import type { Style } from './terminal-text.js';
import { paint, visibleText } from './terminal-text.js';

const SEVERITY_STYLE: Record<Severity, Style> = {
  critical: 'boldRed',
  high: 'red',
  medium: 'yellow',
  low: 'cyan',
  info: 'dim',
};

/** Widest severity label (`CRITICAL`), so columns line up whatever severities occur. */
const SEVERITY_WIDTH = Math.max(...SEVERITIES.map((s) => s.length));

interface Group {
  label: string;
  file?: string;
  line?: number;
  findings: Finding[];
}

/** Group by object and file, keeping the order of first appearance (findings arrive worst first). */
function groupByObject(findings: readonly Finding[]): Group[] {
  const groups = new Map<string, Group>();
  for (const f of findings) {
    const label = objectLabel(f.target);
    const key = `${label}\u0000${f.location?.file ?? ''}`;
    let group = groups.get(key);
    if (!group) {
      group = { label, findings: [] };
      if (f.location) {
        group.file = f.location.file;
        group.line = f.location.line;
      }
      groups.set(key, group);
    }
    group.findings.push(f);
  }
  return [...groups.values()];
}

function problemLabel(p: InputProblem): string {
  const at =
    p.line === undefined ? p.file : `${p.file}:${p.line}${p.column === undefined ? '' : `:${p.column}`}`;
  return `${visibleText(at)}  ${visibleText(p.message)}`;
}

export function formatTable(report: Report, options: FormatOptions): string {
  const color = options.color;
  const lines: string[] = [];
  // Columns come from the data, never from the terminal, so output is the same on every machine; padding is
  // applied before colour so escape codes never count towards widths.
  const ruleWidth = Math.max(0, ...report.findings.map((f) => visibleText(f.ruleId).length));
  const indent = ' '.repeat(2 + SEVERITY_WIDTH + 2 + ruleWidth + 2);

  for (const group of groupByObject(report.findings)) {
    const where = group.file === undefined ? '' : `  ${visibleText(`${group.file}:${group.line ?? 0}`)}`;
    lines.push(`${paint(visibleText(group.label), 'bold', color)}${where}`);
    for (const f of group.findings) {
      const sev = paint(f.severity.toUpperCase().padEnd(SEVERITY_WIDTH), SEVERITY_STYLE[f.severity], color);
      lines.push(`  ${sev}  ${visibleText(f.ruleId).padEnd(ruleWidth)}  ${visibleText(f.title)}`);
      const extra: string[] = [];
      // Details usually name their container already; repeat it only when they do not.
      const container = f.target.container;
      if (container && !f.detail.includes(`"${container}"`))
        extra.push(`container ${visibleText(container)}`);
      if (f.location && f.location.line !== group.line)
        extra.push(`at ${visibleText(locationLabel(f) ?? '')}`);
      const suffix = extra.length > 0 ? paint(` (${extra.join(', ')})`, 'dim', color) : '';
      lines.push(`${indent}${visibleText(f.detail)}${suffix}`);
    }
    lines.push('');
  }

  if (report.problems.length > 0) {
    lines.push(paint(`Input problems (${report.problems.length})`, 'bold', color));
    for (const p of report.problems) lines.push(`  ${problemLabel(p)}`);
    lines.push('');
  }

  const counts = countBySeverity(report.findings);
  const parts = SEVERITIES.map((s) =>
    counts[s] > 0 ? paint(`${counts[s]} ${s}`, SEVERITY_STYLE[s], color) : `${counts[s]} ${s}`,
  );
  const problems = plural(report.problems.length, 'input problem');
  lines.push(
    `Scanned ${plural(report.stats.objects, 'object')} in ${plural(report.stats.files, 'file')}.`,
    `${plural(report.findings.length, 'finding')}: ${parts.join(', ')}; ${problems}`,
  );
  return `${lines.join('\n')}\n`;
}

export const table: Formatter = {
  id: 'table',
  description: 'human-readable text grouped by object, coloured by severity on a terminal',
  extension: 'txt',
  format: formatTable,
};
