// The drift report for people: a summary, one row per digest, then the drift sections and what was not scanned.
import { formatGateText } from '../../../policy/gate-report.js';
import { visibleText } from '../../../report/terminal-text.js';
import type { DriftReport, DriftVuln, ImageDrift } from '../drift.js';
import type { DriftFormatter } from './formatter.js';

const short = (digest: string): string => digest.slice(0, 19);

function vulnLine(image: ImageDrift, v: DriftVuln): string {
  const fix =
    v.fixedIn.length > 0 ? `fixed in ${v.fixedIn.join(', ')}` : v.status === 'fixed' ? 'fixed' : 'no fix';
  const was = v.previous ? ` (was ${v.previous.status})` : '';
  return `  ${image.repository}@${short(image.digest)}  ${v.id}  ${v.package}  ${v.severity}  ${v.status}${was}  ${fix}`;
}

function columns(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd(),
  );
}

function render(report: DriftReport): string[] {
  const s = report.summary;
  const out: string[] = [];
  out.push(
    `registry scan of ${report.target}: run ${report.run.id}${report.run.resumed ? ' (resumed)' : ''}, vulnerability db ${report.dbVersion}`,
    `${s.repositories} repositories, ${s.tags} tags, ${s.digests} digests: ${s.scanned} scanned now, ${s.scannedEarlier} earlier in this run, ${s.failed} failed, ${s.notScanned} not scanned`,
    `drift: ${s.newVulnerabilities} new vulnerabilities, ${s.fixAvailable} with a fix now available, ${s.disappeared} disappeared; ${s.newDigests} new digests, ${s.unknownOrigin} of unknown origin`,
  );
  if (!report.run.complete) {
    out.push(
      `INCOMPLETE: ${report.run.stopReason ?? 'some digests were not scanned'}; run again to resume (done digests are not rescanned)`,
    );
  }
  out.push('');
  if (report.images.length > 0) {
    const rows = [
      ['DIGEST', 'REPOSITORY', 'STATE', 'VULNS', 'NEW', 'FIXABLE', 'GONE', 'ORIGIN', 'PREVIOUS DB'],
    ];
    for (const i of report.images) {
      rows.push([
        short(i.digest),
        i.repository,
        i.isNew && i.dbVersion ? `${i.state} (new)` : i.state,
        i.vulnerabilities !== undefined ? String(i.vulnerabilities) : '-',
        String(i.newVulnerabilities.length),
        String(i.fixAvailable.length),
        String(i.disappeared.length),
        i.origin ?? '-',
        i.previousDbVersion ?? '-',
      ]);
    }
    out.push(...columns(rows), '');
  }
  const section = (title: string, lines: string[]): void => {
    if (lines.length > 0) out.push(`${title}:`, ...lines, '');
  };
  section(
    'new vulnerabilities (new advisories since the last scan)',
    report.images.flatMap((i) => i.newVulnerabilities.map((v) => vulnLine(i, v))),
  );
  section(
    'fix now available',
    report.images.flatMap((i) => i.fixAvailable.map((v) => vulnLine(i, v))),
  );
  section(
    'disappeared (withdrawn or corrected advisories)',
    report.images.flatMap((i) => i.disappeared.map((v) => vulnLine(i, v))),
  );
  section(
    'new digests (never scanned before)',
    report.images
      .filter((i) => i.isNew && i.dbVersion)
      .map((i) => `  ${i.repository}@${short(i.digest)}  ${i.references.join(', ')}`),
  );
  section(
    'unknown origin (no trusted signature, not in the build ledger)',
    report.images
      .filter((i) => i.origin === 'unknown')
      .map((i) => `  ${i.repository}@${short(i.digest)}${i.originDetail ? `  ${i.originDetail}` : ''}`),
  );
  section(
    'not scanned',
    report.images
      .filter((i) => i.state === 'failed' || i.state === 'not-scanned')
      .map(
        (i) =>
          `  ${i.repository}@${short(i.digest)}  ${i.state === 'failed' ? `failed: ${i.error ?? ''}` : 'not reached'}`,
      ),
  );
  section(
    'problems',
    report.problems.map((p) => `  ${p}`),
  );
  section(
    'warnings',
    report.warnings.map((w) => `  ${w}`),
  );
  return out;
}

export const driftTable: DriftFormatter = {
  id: 'table',
  description: 'summary, one row per digest and the drift sections',
  format(report, options) {
    const lines = render(report).map(visibleText);
    const gate = options.gate
      ? options.gate.decisions
          .filter((d) => d.decision.outcome !== 'pass')
          .map((d) => formatGateText(d.decision))
          .join('') +
        `gate: ${options.gate.outcome.toUpperCase()} over ${options.gate.decisions.length} images\n`
      : '';
    return `${lines.join('\n').trimEnd()}\n${gate ? `\n${gate}` : ''}`;
  },
};
