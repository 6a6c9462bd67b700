/**
 * Severity of a record for one package. A CVSS vector is scored by kubeward itself (v4.0 preferred, then v3.1,
 * then v3.0: the newest standard says the most), from `affected[].severity` when the record sets it per
 * package, else from the record's `severity`. Without a usable vector the source's own word is used: GHSA's
 * `database_specific.severity`, Ubuntu's priority, Debian's tracker urgency. The result names its source.
 */
import { cvssScore } from '../vulndb/cvss/index.js';
import type { OsvAffected, OsvRecord, OsvSeverity } from '../vulndb/osv.js';
import type { SeverityInfo, VulnSeverity } from './model.js';

const CVSS_LEVEL: Record<string, VulnSeverity> = {
  CRITICAL: 'critical',
  HIGH: 'high',
  MEDIUM: 'medium',
  LOW: 'low',
  NONE: 'info',
};

const WORDS: Record<string, VulnSeverity> = {
  critical: 'critical',
  high: 'high',
  important: 'high',
  moderate: 'medium',
  medium: 'medium',
  low: 'low',
  negligible: 'info',
  // Debian: "unimportant" issues are real but do not warrant a fix; the lowest rank that still shows.
  unimportant: 'low',
};

const VERSION_RANK: Record<string, number> = { '4.0': 3, '3.1': 2, '3.0': 1 };

/** Scores by vector: a scan sees the same few thousand vectors over and over. Bounded; null for bad ones. */
const scoreCache = new Map<string, ReturnType<typeof cvssScore> | null>();
const SCORE_CACHE_SIZE = 10_000;

function cachedScore(vector: string): ReturnType<typeof cvssScore> | null {
  let score = scoreCache.get(vector);
  if (score !== undefined) return score;
  try {
    score = cvssScore(vector);
  } catch {
    // A malformed vector is skipped; the next source decides.
    score = null;
  }
  if (scoreCache.size >= SCORE_CACHE_SIZE) scoreCache.clear();
  scoreCache.set(vector, score);
  return score;
}

export function severityOf(record: OsvRecord, affected: OsvAffected | undefined): SeverityInfo {
  const entries =
    affected?.severity && affected.severity.length > 0 ? affected.severity : (record.severity ?? []);
  const scored = bestCvss(entries);
  if (scored) return scored;
  const ghsa = record.database_specific?.['severity'];
  if (typeof ghsa === 'string' && WORDS[ghsa.toLowerCase()]) {
    return { level: WORDS[ghsa.toLowerCase()] as VulnSeverity, source: 'database_specific.severity' };
  }
  const ubuntu = entries.find((s) => s.type === 'Ubuntu');
  if (ubuntu && WORDS[ubuntu.score.toLowerCase()]) {
    return { level: WORDS[ubuntu.score.toLowerCase()] as VulnSeverity, source: 'Ubuntu' };
  }
  const urgency = affected?.ecosystem_specific?.['urgency'];
  if (typeof urgency === 'string') {
    // Tracker urgencies may carry a "**" suffix for values copied from NVD.
    const word = urgency.replace(/\*+$/, '').trim().toLowerCase();
    if (WORDS[word]) return { level: WORDS[word] as VulnSeverity, source: 'Debian urgency' };
  }
  return { level: 'unknown', source: 'none' };
}

function bestCvss(entries: readonly OsvSeverity[]): SeverityInfo | undefined {
  let best: SeverityInfo | undefined;
  let bestRank = 0;
  for (const entry of entries) {
    if (entry.type !== 'CVSS_V3' && entry.type !== 'CVSS_V4') continue;
    const score = cachedScore(entry.score);
    if (!score) continue;
    const rank = VERSION_RANK[score.version] ?? 0;
    if (rank > bestRank) {
      bestRank = rank;
      best = {
        level: CVSS_LEVEL[score.severity] ?? 'unknown',
        score: score.baseScore,
        vector: entry.score,
        source: `CVSS:${score.version}`,
      };
    }
  }
  return best;
}
