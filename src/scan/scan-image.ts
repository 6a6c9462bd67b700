/**
 * Vulnerability scanning pipelines: inventory (image or directory) x vulnerability database -> matches ->
 * filters and VEX -> report, and the formats it is rendered in. The gate is evaluated by the caller on the
 * report (see gateInputOf), so that the decision stays a pure function.
 */
import type { Clock } from '../core/clock.js';
import { UsageError } from '../core/errors.js';
import { detectVulnerabilities } from '../detect/detect.js';
import { formatVulnCycloneDx } from '../detect/format/cyclonedx.js';
import { formatVulnJson } from '../detect/format/json.js';
import { formatVulnTable } from '../detect/format/table.js';
import type { VulnSeverity } from '../detect/model.js';
import {
  type ReportFilters,
  type VulnReport,
  ageInDays,
  applyFilters,
  toFindingsReport,
} from '../detect/report.js';
import { type DirectoryInventoryOptions, inventoryDirectory } from '../inventory/scan-directory.js';
import { type ImageInventoryOptions, inventoryImage } from '../inventory/scan-image.js';
import type { Inventory } from '../inventory/model.js';
import type { GateDecision, GateFinding } from '../policy/gate.js';
import { formatGateText, gateDecisionJson } from '../policy/gate-report.js';
import { type VexStatement, type VexSubject, applyVex } from '../policy/vex.js';
import { formatReport } from '../report/index.js';
import type { VulnSource } from '../vulndb/memory-source.js';
import { VulnStore } from '../vulndb/store.js';

export interface VulnScanOptions {
  /** Vulnerability database file; ignored when `source` is given. */
  dbPath: string;
  /** Matches against these records instead of opening `dbPath` (tests, library users). */
  source?: VulnSource;
  clock: Clock;
  toolVersion: string;
  filters?: ReportFilters;
  vex?: readonly VexStatement[];
  /** Warn when the database is older than this many days. */
  maxDbAgeDays?: number;
}

export async function scanImageVulnerabilities(
  ref: string,
  options: VulnScanOptions & { image?: ImageInventoryOptions },
): Promise<VulnReport> {
  return withSource(options, (source, db) =>
    inventoryImage(ref, options.image ?? {}).then((inv) => vulnReportOf(inv, ref, source, db, options)),
  );
}

export async function scanDirectoryVulnerabilities(
  dir: string,
  options: VulnScanOptions & { directory?: DirectoryInventoryOptions },
): Promise<VulnReport> {
  return withSource(options, (source, db) =>
    inventoryDirectory(dir, options.directory ?? {}).then((inv) =>
      vulnReportOf(inv, dir, source, db, options),
    ),
  );
}

type DbInfo = VulnReport['db'];

/** Opens the database before the (slow) inventory, so a missing database fails fast. */
async function withSource<T>(
  options: VulnScanOptions,
  run: (source: VulnSource, db: DbInfo) => Promise<T>,
): Promise<T> {
  if (options.source) return run(options.source, { path: '(in memory)' });
  const store = VulnStore.open(options.dbPath);
  try {
    const builtAt = store.builtAt();
    const ageDays = ageInDays(builtAt, options.clock);
    return await run(store, {
      path: options.dbPath,
      ...(builtAt ? { builtAt } : {}),
      ...(ageDays !== undefined ? { ageDays } : {}),
    });
  } finally {
    store.close();
  }
}

/** Matching, filters and VEX over an inventory already taken. */
export function vulnReportOf(
  inventory: Inventory,
  input: string,
  source: VulnSource,
  db: DbInfo,
  options: Pick<VulnScanOptions, 'clock' | 'toolVersion' | 'filters' | 'vex' | 'maxDbAgeDays'>,
): VulnReport {
  const detected = detectVulnerabilities(inventory, source);
  const vex = applyVex(
    detected.matches.map((m) => ({ id: m.id, aliases: m.aliases, purl: m.package.purl, match: m })),
    options.vex ?? [],
    vexSubjectOf(inventory, input),
  );
  const { kept, filtered } = applyFilters(
    vex.kept.map((k) => k.match),
    options.filters ?? {},
  );
  const warnings = [...inventory.warnings, ...detected.warnings];
  const maxAge = options.maxDbAgeDays;
  if (maxAge !== undefined && db.ageDays !== undefined && db.ageDays > maxAge) {
    warnings.unshift(
      `vulnerability database is ${db.ageDays} days old (more than ${maxAge}); run "kubeward db update"`,
    );
  }
  return {
    tool: { name: 'kubeward', version: options.toolVersion },
    generatedAt: options.clock.now().toISOString(),
    input,
    subject: inventory.subject,
    inventory,
    matches: kept,
    suppressed: vex.suppressed.map((s) => ({
      match: s.finding.match,
      by: {
        status: s.statement.status,
        ...(s.statement.justification ? { justification: s.statement.justification } : {}),
        ...(s.statement.impactStatement ? { impactStatement: s.statement.impactStatement } : {}),
        source: s.statement.source,
      },
    })),
    filtered,
    db,
    warnings,
    packagesChecked: detected.packagesChecked,
  };
}

/** Names a VEX product may use for the scanned image or directory. */
function vexSubjectOf(inventory: Inventory, input: string): VexSubject {
  const s = inventory.subject;
  if (s.kind === 'directory') return { names: [input, s.name, s.path] };
  const names = [input, s.name];
  if (s.repository) {
    names.push(
      s.repository,
      `${s.repository}@${s.manifestDigest}`,
      ...s.tags.map((t) => `${s.repository}:${t}`),
    );
  }
  return { names, digest: s.manifestDigest };
}

/** Image repository the gate clock and scopes key on: the repository, else the name as given. */
export function repositoryOf(report: VulnReport): string {
  return report.subject.kind === 'image'
    ? (report.subject.repository ?? report.subject.name)
    : report.subject.path;
}

export function gateFindingsOf(report: VulnReport): GateFinding[] {
  return report.matches.map((m) => ({
    id: m.id,
    aliases: m.aliases,
    packageKey: `${m.package.ecosystem}/${m.package.name}`,
    packageName: m.package.name,
    ...(m.package.sourceName ? { sourceName: m.package.sourceName } : {}),
    purl: m.package.purl,
    severity: m.severity.level,
    status: m.status,
  }));
}

export const VULN_FORMATS = ['table', 'json', 'sarif', 'html', 'cyclonedx'] as const;
export type VulnFormat = (typeof VULN_FORMATS)[number];

export const VULN_SEVERITY_NAMES: readonly VulnSeverity[] = [
  'critical',
  'high',
  'medium',
  'low',
  'info',
  'unknown',
];

export interface VulnFormatOptions {
  color?: boolean;
  baseDir?: string;
  gate?: GateDecision;
}

/** Renders a report; table and json carry the gate decision when there is one. */
export function formatVulnReport(
  report: VulnReport,
  format: string,
  options: VulnFormatOptions = {},
): string {
  switch (format) {
    case 'table':
      return (
        formatVulnTable(report, { color: options.color ?? false }) +
        (options.gate ? `\n${formatGateText(options.gate)}` : '')
      );
    case 'json':
      return formatVulnJson(report, options.gate ? { gate: gateDecisionJson(options.gate) } : {});
    case 'cyclonedx':
      return formatVulnCycloneDx(report, report.tool.version);
    case 'sarif':
    case 'html':
      return formatReport(toFindingsReport(report), format, {
        color: false,
        ...(options.baseDir ? { baseDir: options.baseDir } : {}),
      });
    default:
      throw new UsageError(`unknown format "${format}" (choose one of: ${VULN_FORMATS.join(', ')})`);
  }
}
