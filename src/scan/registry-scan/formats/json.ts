// The drift report as JSON: the report itself (schemaVersion 1), plus the gate decisions when a gate ran.
import { gateDecisionJson } from '../../../policy/gate-report.js';
import type { DriftFormatter } from './formatter.js';

export const driftJson: DriftFormatter = {
  id: 'json',
  description: 'the drift report as JSON (schemaVersion 1)',
  format(report, options) {
    const gate = options.gate
      ? {
          gate: {
            outcome: options.gate.outcome,
            images: options.gate.decisions.map((d) => ({
              digest: d.digest,
              ...gateDecisionJson(d.decision),
            })),
          },
        }
      : {};
    return `${JSON.stringify({ ...report, ...gate }, null, 2)}\n`;
  },
};
