import type { Finding, RuleMeta } from './finding.js';
import type { Severity } from './severity.js';
import { SEVERITIES } from './severity.js';

/** A problem with an input that did not stop the run (bad YAML in one file, a non-Kubernetes object). */
export interface InputProblem {
  file: string;
  line?: number;
  column?: number;
  message: string;
}

/** Everything a formatter needs. Formatters are pure functions of a Report. */
export interface Report {
  tool: { name: 'kubeward'; version: string };
  /** ISO time from the injected clock. */
  generatedAt: string;
  /** What was scanned (paths, image reference, ...). */
  inputs: string[];
  findings: Finding[];
  /** Metadata of every rule that was evaluated, for SARIF and HTML. */
  rules: RuleMeta[];
  problems: InputProblem[];
  /** Counts of scanned objects by kind. */
  stats: { objects: number; files: number; waived?: number };
}

export type SeverityCounts = Record<Severity, number>;

export function countBySeverity(findings: readonly Finding[]): SeverityCounts {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as SeverityCounts;
  for (const f of findings) counts[f.severity] += 1;
  return counts;
}
