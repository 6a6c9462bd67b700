// The one explicit list of output formats. The CLI builds `--format` choices from FORMATTERS.keys().
import { UsageError } from '../core/errors.js';
import { createRegistry } from '../core/registry.js';
import type { Report } from '../core/report.js';
import type { FormatOptions, Formatter } from './formatter.js';
import { DEFAULT_FORMAT_OPTIONS } from './formatter.js';
import { html } from './html.js';
import { json } from './json.js';
import { junit } from './junit.js';
import { sarif } from './sarif.js';
import { table } from './table.js';

export type { FormatOptions, Formatter } from './formatter.js';
export { DEFAULT_FORMAT_OPTIONS } from './formatter.js';
export type { JsonFinding, JsonReport, JsonRule } from './json.js';
export { JSON_REPORT_SCHEMA_VERSION, buildJsonReport } from './json.js';
export type { SarifLog } from './sarif.js';
export { buildSarifLog } from './sarif.js';

export const FORMATTERS = createRegistry<Formatter>(
  'formatter',
  [table, json, sarif, html, junit],
  (f) => f.id,
);

/** Render `report` as a stream of text pieces (streaming formatters), or as one piece. */
export function formatReportChunks(
  report: Report,
  formatId: string,
  options: Partial<FormatOptions> = {},
): Iterable<string> {
  const formatter = FORMATTERS.get(formatId);
  if (formatter?.chunks) return formatter.chunks(report, { ...DEFAULT_FORMAT_OPTIONS, ...options });
  return [formatReport(report, formatId, options)];
}

/** Render `report` in the format `formatId`; a UsageError names the known formats when the id is unknown. */
export function formatReport(report: Report, formatId: string, options: Partial<FormatOptions> = {}): string {
  const formatter = FORMATTERS.get(formatId);
  if (!formatter) {
    throw new UsageError(`unknown format "${formatId}" (choose one of: ${FORMATTERS.keys().join(', ')})`);
  }
  return formatter.format(report, { ...DEFAULT_FORMAT_OPTIONS, ...options });
}
