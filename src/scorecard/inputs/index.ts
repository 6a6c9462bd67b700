// The one list of scorecard input readers, in detection order (the first whose `detect` matches reads the file).
import { createRegistry } from '../../core/registry.js';
import { findingsReportReader } from './findings-report.js';
import { netpolVerificationReader } from './netpol-verification.js';
import { registryDriftReader } from './registry-drift.js';
import type { InputReader } from './reader.js';
import { runtimeAlertsReader } from './runtime-alerts.js';
import { signatureVerificationReader } from './signature-verification.js';
import { tenancyReportReader } from './tenancy-report.js';
import { vulnerabilityReportReader } from './vulnerability-report.js';

export type { InputReader } from './reader.js';

export const INPUT_READERS = createRegistry<InputReader>(
  'scorecard input',
  [
    findingsReportReader,
    vulnerabilityReportReader,
    registryDriftReader,
    tenancyReportReader,
    runtimeAlertsReader,
    // Before netpol: notation verification output also has a `results` array.
    signatureVerificationReader,
    netpolVerificationReader,
  ],
  (reader) => reader.kind,
);
