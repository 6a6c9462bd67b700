import type { MetricValues } from './vector.js';
import { parseVector } from './vector.js';

/**
 * CVSS v3.0 and v3.1 base score, per the FIRST specifications (v3.1 section 7.1 and Appendix A). The base
 * equations are the same in both versions; only Roundup differs. v3.0 defines it as "the smallest number,
 * specified to one decimal place, that is equal to or higher than its input", which naive floating point
 * gets wrong for inputs such as 4.000000000000001; v3.1 fixes that by rounding to 5 decimals first.
 */
const X = ['X'];
const ALLOWED: MetricValues = {
  AV: ['N', 'A', 'L', 'P'],
  AC: ['L', 'H'],
  PR: ['N', 'L', 'H'],
  UI: ['N', 'R'],
  S: ['U', 'C'],
  C: ['H', 'L', 'N'],
  I: ['H', 'L', 'N'],
  A: ['H', 'L', 'N'],
  // Temporal and environmental metrics are accepted but do not change the base score.
  E: [...X, 'U', 'P', 'F', 'H'],
  RL: [...X, 'O', 'T', 'W', 'U'],
  RC: [...X, 'U', 'R', 'C'],
  CR: [...X, 'L', 'M', 'H'],
  IR: [...X, 'L', 'M', 'H'],
  AR: [...X, 'L', 'M', 'H'],
  MAV: [...X, 'N', 'A', 'L', 'P'],
  MAC: [...X, 'L', 'H'],
  MPR: [...X, 'N', 'L', 'H'],
  MUI: [...X, 'N', 'R'],
  MS: [...X, 'U', 'C'],
  MC: [...X, 'N', 'L', 'H'],
  MI: [...X, 'N', 'L', 'H'],
  MA: [...X, 'N', 'L', 'H'],
};
const BASE = ['AV', 'AC', 'PR', 'UI', 'S', 'C', 'I', 'A'];

const AV: Record<string, number> = { N: 0.85, A: 0.62, L: 0.55, P: 0.2 };
const AC: Record<string, number> = { L: 0.77, H: 0.44 };
const PR_UNCHANGED: Record<string, number> = { N: 0.85, L: 0.62, H: 0.27 };
const PR_CHANGED: Record<string, number> = { N: 0.85, L: 0.68, H: 0.5 };
const UI: Record<string, number> = { N: 0.85, R: 0.62 };
const CIA: Record<string, number> = { H: 0.56, L: 0.22, N: 0 };

/** v3.1 Appendix A Roundup. */
export function roundup31(input: number): number {
  const intInput = Math.round(input * 100000);
  if (intInput % 10000 === 0) return intInput / 100000;
  return (Math.floor(intInput / 10000) + 1) / 10;
}

/** v3.0 Roundup, as the v3.0 specification and its reference calculator compute it. */
export function roundup30(input: number): number {
  return Math.ceil(input * 10) / 10;
}

export function cvss3BaseScore(vector: string, version: '3.0' | '3.1'): number {
  const m = parseVector(vector, `CVSS:${version}`, ALLOWED, BASE);
  const get = (table: Record<string, number>, name: string): number => table[m.get(name) as string] as number;
  const changed = m.get('S') === 'C';
  const iss = 1 - (1 - get(CIA, 'C')) * (1 - get(CIA, 'I')) * (1 - get(CIA, 'A'));
  const impact = changed ? 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15) : 6.42 * iss;
  const exploitability =
    8.22 * get(AV, 'AV') * get(AC, 'AC') * get(changed ? PR_CHANGED : PR_UNCHANGED, 'PR') * get(UI, 'UI');
  if (impact <= 0) return 0;
  const roundup = version === '3.1' ? roundup31 : roundup30;
  return changed
    ? roundup(Math.min(1.08 * (impact + exploitability), 10))
    : roundup(Math.min(impact + exploitability, 10));
}
