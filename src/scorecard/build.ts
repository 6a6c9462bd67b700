// Joins the inputs into one scorecard: findings placed per area, scored, worst first.
import { AREAS } from './area-map.js';
import type { AreaScore, ScoredFinding, Scorecard, SourceResult } from './model.js';
import {
  OCCURRENCE_FACTOR,
  SCORE_FORMULA,
  SEVERITY_WEIGHTS,
  compareFindings,
  countSeverities,
  penaltyOf,
  scoreOf,
} from './score.js';

export const WORST_FINDINGS = 5;

export function buildScorecard(sources: readonly SourceResult[], generatedAt: string): Scorecard {
  const areas: AreaScore[] = AREAS.map((info) => {
    const contributing = sources.filter((s) => s.assessed.includes(info.id));
    // Sorted before deduplication, so which copy of a duplicate is kept never depends on input order.
    const findings = uniqueFindings(
      sources
        .flatMap((s) => s.findings)
        .filter((f) => f.area === info.id)
        .sort(compareFindings),
    );
    const assessed = contributing.length > 0;
    const penalty = assessed ? penaltyOf(findings) : 0;
    return {
      id: info.id,
      title: info.title,
      description: info.description,
      assessed,
      score: assessed ? scoreOf(penalty) : null,
      penalty,
      counts: countSeverities(findings),
      total: findings.length,
      sources: [...new Set(contributing.map((s) => s.source))].sort(),
      worst: worstByRule(findings),
      findings,
    };
  });
  const scored = areas.map((a) => a.score).filter((s): s is number => s !== null);
  return {
    schemaVersion: 1,
    generatedAt,
    overall: scored.length > 0 ? Math.round(scored.reduce((a, b) => a + b, 0) / scored.length) : null,
    inputs: sources.map((s) => ({
      source: s.source,
      kind: s.kind,
      areas: AREAS.map((a) => a.id).filter((id) => s.assessed.includes(id)),
      findings: s.findings.length,
    })),
    areas,
    scoring: {
      formula: SCORE_FORMULA,
      weights: { ...SEVERITY_WEIGHTS },
      occurrenceFactor: OCCURRENCE_FACTOR,
    },
    warnings: sources.flatMap((s) => s.warnings),
  };
}

/** Two inputs that report the same thing (a scan and a tenancy report both name a missing policy) count once. */
function uniqueFindings(findings: readonly ScoredFinding[]): ScoredFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = [f.ruleId, f.target, f.detail].join('\u0000');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The most severe finding of each of the worst rules: five different problems rather than one five times. */
function worstByRule(sorted: readonly ScoredFinding[]): ScoredFinding[] {
  const rules = new Set<string>();
  const worst: ScoredFinding[] = [];
  for (const f of sorted) {
    if (rules.has(f.ruleId)) continue;
    rules.add(f.ruleId);
    worst.push(f);
    if (worst.length === WORST_FINDINGS) break;
  }
  return worst;
}
