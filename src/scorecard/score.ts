/**
 * Area scores. Deterministic and severity-weighted, documented in docs/scorecard.md:
 *
 *   penalty = sum over distinct rule ids in the area of weight[worst severity] x occurrences factor
 *   occurrences factor = 1 + log10(occurrences), capped at 3 (1 finding: x1, 10: x2, 100 or more: x3)
 *   score = round(100 x 100 / (100 + penalty))
 *
 * A rule counts once however many objects break it (scaled gently by how often), so one noisy rule cannot
 * sink an area, and the hyperbola never reaches 0 so a bad area still shows improvement as rules get fixed.
 * An area no input assessed has no score at all.
 */
import type { Severity } from '../core/severity.js';
import { SEVERITIES, severityRank } from '../core/severity.js';
import type { ScoredFinding, SeverityCounts } from './model.js';

export const SEVERITY_WEIGHTS: Readonly<Record<Severity, number>> = {
  critical: 40,
  high: 20,
  medium: 8,
  low: 2,
  info: 0,
};

export const SCORE_FORMULA =
  'score = round(100 * 100 / (100 + penalty)); penalty = sum over distinct rule ids of weight[worst severity of the rule] * min(3, 1 + log10(occurrences))';
export const OCCURRENCE_FACTOR = 'min(3, 1 + log10(occurrences))';

export function occurrenceFactor(occurrences: number): number {
  return Math.min(3, 1 + Math.log10(Math.max(1, occurrences)));
}

/** Penalty points of a set of findings (one area), rounded to one decimal so JSON stays stable. */
export function penaltyOf(findings: readonly ScoredFinding[]): number {
  const byRule = new Map<string, { worst: Severity; count: number }>();
  for (const f of findings) {
    const seen = byRule.get(f.ruleId);
    if (!seen) byRule.set(f.ruleId, { worst: f.severity, count: 1 });
    else {
      seen.count += 1;
      if (severityRank(f.severity) > severityRank(seen.worst)) seen.worst = f.severity;
    }
  }
  let penalty = 0;
  for (const { worst, count } of byRule.values())
    penalty += SEVERITY_WEIGHTS[worst] * occurrenceFactor(count);
  return Math.round(penalty * 10) / 10;
}

export function scoreOf(penalty: number): number {
  return Math.round((100 * 100) / (100 + penalty));
}

export function countSeverities(findings: readonly ScoredFinding[]): SeverityCounts {
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as SeverityCounts;
  for (const f of findings) counts[f.severity] += 1;
  return counts;
}

/** Most severe first, then by rule id, target and location, so output never depends on input order. */
export function compareFindings(a: ScoredFinding, b: ScoredFinding): number {
  return (
    severityRank(b.severity) - severityRank(a.severity) ||
    cmp(a.ruleId, b.ruleId) ||
    cmp(a.target, b.target) ||
    cmp(a.location ?? '', b.location ?? '') ||
    cmp(a.source, b.source) ||
    cmp(a.detail, b.detail)
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
