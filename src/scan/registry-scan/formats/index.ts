// The one list of drift report formats; the CLI builds `--format` choices from it.
import { UsageError } from '../../../core/errors.js';
import { createRegistry } from '../../../core/registry.js';
import type { DriftReport } from '../drift.js';
import { driftHtml, driftSarif } from './findings.js';
import type { DriftFormatOptions, DriftFormatter } from './formatter.js';
import { driftJson } from './json.js';
import { driftTable } from './table.js';

export type { DriftFormatOptions, DriftFormatter } from './formatter.js';
export { driftFindingsReport } from './findings.js';

export const DRIFT_FORMATTERS = createRegistry<DriftFormatter>(
  'drift formatter',
  [driftTable, driftJson, driftSarif, driftHtml],
  (f) => f.id,
);

export function formatDriftReport(
  report: DriftReport,
  formatId: string,
  options: DriftFormatOptions = {},
): string {
  const formatter = DRIFT_FORMATTERS.get(formatId);
  if (!formatter) {
    throw new UsageError(
      `unknown format "${formatId}" (choose one of: ${DRIFT_FORMATTERS.keys().join(', ')})`,
    );
  }
  return formatter.format(report, options);
}
