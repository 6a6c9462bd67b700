/**
 * The scorecard model: findings from every analysis the user ran (or `serve` keeps in the store), each placed
 * in one of the nine areas of the mission, and a score per area. Plain JSON-able values: the JSON output is
 * this model as it is (docs/scorecard.md).
 */
import type { Severity } from '../core/severity.js';

/** The nine areas of the mission, in the order the scorecard shows them. */
export const AREA_IDS = [
  'build',
  'registry',
  'cluster',
  'node',
  'isolation',
  'network',
  'workloads',
  'runtime',
  'secrets',
] as const;
export type AreaId = (typeof AREA_IDS)[number];

/** What kind of analysis an input is; detected from the content of the file, never from its name. */
export type InputKind =
  | 'findings-report'
  | 'vulnerability-report'
  | 'tenancy-report'
  | 'runtime-alerts'
  | 'signature-verification'
  | 'netpol-verification'
  | 'registry-drift'
  | 'store';

/** One finding as the scorecard shows it, whatever analysis produced it. */
export interface ScoredFinding {
  area: AreaId;
  ruleId: string;
  severity: Severity;
  title: string;
  detail: string;
  /** What it is about: `Kind/namespace/name`, an image, a package in an image. */
  target: string;
  namespace?: string;
  /** `file:line` inside the analysed sources, when the analysis gave one. */
  location?: string;
  /** The input file (as the user named it) or `store`. */
  source: string;
}

/** What one input contributed: the areas it assessed (even with nothing found) and its findings. */
export interface SourceResult {
  source: string;
  kind: InputKind;
  assessed: AreaId[];
  findings: ScoredFinding[];
  /** Non-fatal remarks (e.g. a rule id the area table does not know). */
  warnings: string[];
}

export type SeverityCounts = Record<Severity, number>;

export interface AreaScore {
  id: AreaId;
  title: string;
  description: string;
  assessed: boolean;
  /** 0-100, or null when no input covered the area ("not assessed", never a made-up 100). */
  score: number | null;
  /** The sum of rule weights that produced the score (0 when assessed and clean). */
  penalty: number;
  counts: SeverityCounts;
  total: number;
  /** The inputs that assessed this area. */
  sources: string[];
  /** The worst findings, most severe first (at most WORST_FINDINGS). */
  worst: ScoredFinding[];
  /** Every finding of the area, most severe first. */
  findings: ScoredFinding[];
}

export interface Scorecard {
  schemaVersion: 1;
  generatedAt: string;
  /** Mean of the assessed areas' scores, rounded; null when nothing was assessed. */
  overall: number | null;
  inputs: { source: string; kind: InputKind; areas: AreaId[]; findings: number }[];
  areas: AreaScore[];
  scoring: { formula: string; weights: Record<Severity, number>; occurrenceFactor: string };
  warnings: string[];
}
