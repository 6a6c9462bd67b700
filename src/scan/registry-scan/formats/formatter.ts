import type { DriftReport } from '../drift.js';
import type { RegistryGateResult } from '../gate.js';

export interface DriftFormatOptions {
  gate?: RegistryGateResult;
  /** For SARIF artifact URIs. */
  baseDir?: string;
}

/** One output format of the drift report; pure. Listed in formats/index.ts. */
export interface DriftFormatter {
  id: string;
  description: string;
  format(report: DriftReport, options: DriftFormatOptions): string;
}
