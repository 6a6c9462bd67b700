// Secret values never leave the scanner: every excerpt and message goes through redact().
import { createHash } from 'node:crypto';

/** First 4 characters and `****`; values of 8 characters or less show nothing at all. */
export function redact(value: string): string {
  return value.length <= 8 ? '****' : `${value.slice(0, 4)}****`;
}

/** Shannon entropy in bits per character. */
export function shannonEntropy(value: string): number {
  if (value.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * Identity of one secret value for one rule, for deduplication and allow-lists: a truncated salted SHA-256,
 * so the same secret moved to another file or commit keeps its identity without the value being stored.
 */
export function secretHash(ruleId: string, value: string): string {
  return createHash('sha256')
    .update(`kubeward-secrets-scan\u0000${ruleId}\u0000${value}`)
    .digest('hex')
    .slice(0, 16);
}
