import type { Clock } from '../../core/clock.js';
import { fixedClock } from '../../core/clock.js';
import type { VulnSeverity } from '../model.js';
import { VULN_SEVERITIES } from '../model.js';
import { ageInDays, type VulnReport } from '../report.js';
import { columns, safeText } from './text.js';

const COLOR: Partial<Record<VulnSeverity, string>> = {
  critical: '\u001b[1;31m',
  high: '\u001b[31m',
  medium: '\u001b[33m',
  low: '\u001b[36m',
};

/** Per package: installed, fixed-in, status, severity, score, id, age; worst first. */
export function formatVulnTable(report: VulnReport, options: { color?: boolean } = {}): string {
  const clock: Clock = fixedClock(report.generatedAt);
  const os = report.inventory.os;
  const osLabel = os ? (os.prettyName ?? [os.id, os.versionId].filter(Boolean).join(' ')) : 'no OS detected';
  const out: string[] = [
    `${safeText(report.subject.name)}  (${safeText(osLabel)}, ${report.packagesChecked} packages)`,
    `database: ${report.db.path}${report.db.builtAt ? `, updated ${report.db.builtAt}` : ''}${report.db.ageDays !== undefined ? ` (${report.db.ageDays} days old)` : ''}`,
    '',
  ];
  const counts = VULN_SEVERITIES.map(
    (s) => [s, report.matches.filter((m) => m.severity.level === s).length] as const,
  )
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${s} ${n}`);
  out.push(
    `${report.matches.length} vulnerabilit${report.matches.length === 1 ? 'y' : 'ies'}${counts.length > 0 ? `: ${counts.join(', ')}` : ''}`,
  );
  if (report.matches.length > 0) {
    const rows = [['PACKAGE', 'INSTALLED', 'FIXED IN', 'STATUS', 'SEVERITY', 'SCORE', 'ID', 'AGE']];
    for (const m of report.matches) {
      const age = ageInDays(m.published, clock);
      rows.push([
        safeText(m.package.name),
        safeText(m.package.version),
        safeText(m.fixedIn.join(', ') || '-'),
        m.status,
        m.severity.level,
        m.severity.score !== undefined ? m.severity.score.toFixed(1) : '-',
        safeText(m.id),
        age !== undefined ? `${age}d` : '-',
      ]);
    }
    const lines = columns(rows);
    out.push('', lines[0] ?? '');
    report.matches.forEach((m, i) => {
      const line = lines[i + 1] ?? '';
      const color = options.color ? COLOR[m.severity.level] : undefined;
      out.push(color ? `${color}${line}\u001b[0m` : line);
    });
  }
  const { severity, unfixed } = report.filtered;
  if (severity + unfixed > 0) {
    out.push(
      '',
      `not shown: ${[severity > 0 ? `${severity} outside --severity` : '', unfixed > 0 ? `${unfixed} without a fix (--ignore-unfixed)` : ''].filter(Boolean).join(', ')}`,
    );
  }
  if (report.suppressed.length > 0) {
    out.push('', `suppressed by VEX (${report.suppressed.length}):`);
    for (const s of report.suppressed) {
      const why = [s.by.justification, s.by.impactStatement].filter(Boolean).join(': ');
      out.push(
        `  ${safeText(s.match.id)} in ${safeText(s.match.package.name)} ${safeText(s.match.package.version)}: ${s.by.status}${why ? ` (${safeText(why)})` : ''} [${safeText(s.by.source)}]`,
      );
    }
  }
  if (report.warnings.length > 0) {
    out.push('', `warnings (${report.warnings.length}):`, ...report.warnings.map((w) => `  ${safeText(w)}`));
  }
  return `${out.join('\n')}\n`;
}
