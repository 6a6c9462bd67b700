import { MACROVECTOR_SCORES } from './cvss4-lookup.js';
import type { MetricValues } from './vector.js';
import { parseVector } from './vector.js';

/**
 * CVSS v4.0 score, per the FIRST CVSS v4.0 specification (section 8) and its reference calculator: the vector
 * is classified into a MacroVector by six equivalence sets (EQ1..EQ6), the MacroVector's score comes from the
 * specification's lookup table, and the score is lowered by interpolating towards the next lower MacroVector
 * in each EQ, in proportion to the vector's severity distance from the MacroVector's highest-severity vectors.
 * Threat and environmental metrics in the vector take part, as the specification defines (CVSS-BT/BE/BTE);
 * an OSV base vector has none, which gives CVSS-B.
 */
const X = 'X';
const ALLOWED: MetricValues = {
  AV: ['N', 'A', 'L', 'P'],
  AC: ['L', 'H'],
  AT: ['N', 'P'],
  PR: ['N', 'L', 'H'],
  UI: ['N', 'P', 'A'],
  VC: ['H', 'L', 'N'],
  VI: ['H', 'L', 'N'],
  VA: ['H', 'L', 'N'],
  SC: ['H', 'L', 'N'],
  SI: ['H', 'L', 'N'],
  SA: ['H', 'L', 'N'],
  E: [X, 'A', 'P', 'U'],
  CR: [X, 'H', 'M', 'L'],
  IR: [X, 'H', 'M', 'L'],
  AR: [X, 'H', 'M', 'L'],
  MAV: [X, 'N', 'A', 'L', 'P'],
  MAC: [X, 'L', 'H'],
  MAT: [X, 'N', 'P'],
  MPR: [X, 'N', 'L', 'H'],
  MUI: [X, 'N', 'P', 'A'],
  MVC: [X, 'H', 'L', 'N'],
  MVI: [X, 'H', 'L', 'N'],
  MVA: [X, 'H', 'L', 'N'],
  MSC: [X, 'H', 'L', 'N'],
  MSI: [X, 'S', 'H', 'L', 'N'],
  MSA: [X, 'S', 'H', 'L', 'N'],
  // Supplemental metrics never change the score.
  S: [X, 'N', 'P'],
  AU: [X, 'N', 'Y'],
  R: [X, 'A', 'U', 'I'],
  V: [X, 'D', 'C'],
  RE: [X, 'L', 'M', 'H'],
  U: [X, 'Clear', 'Green', 'Amber', 'Red'],
};
const BASE = ['AV', 'AC', 'AT', 'PR', 'UI', 'VC', 'VI', 'VA', 'SC', 'SI', 'SA'];

/** Severity distances of each metric value (0 is the most severe), as in the reference calculator. */
const LEVELS: Record<string, Record<string, number>> = {
  AV: { N: 0.0, A: 0.1, L: 0.2, P: 0.3 },
  PR: { N: 0.0, L: 0.1, H: 0.2 },
  UI: { N: 0.0, P: 0.1, A: 0.2 },
  AC: { L: 0.0, H: 0.1 },
  AT: { N: 0.0, P: 0.1 },
  VC: { H: 0.0, L: 0.1, N: 0.2 },
  VI: { H: 0.0, L: 0.1, N: 0.2 },
  VA: { H: 0.0, L: 0.1, N: 0.2 },
  SC: { H: 0.1, L: 0.2, N: 0.3 },
  SI: { S: 0.0, H: 0.1, L: 0.2, N: 0.3 },
  SA: { S: 0.0, H: 0.1, L: 0.2, N: 0.3 },
  CR: { H: 0.0, M: 0.1, L: 0.2 },
  IR: { H: 0.0, M: 0.1, L: 0.2 },
  AR: { H: 0.0, M: 0.1, L: 0.2 },
};

/** The highest-severity vectors of each EQ level (EQ3 and EQ6 are joint), from the specification. */
const MAX_COMPOSED: Record<string, Record<string, string[]>> = {
  eq1: {
    0: ['AV:N/PR:N/UI:N/'],
    1: ['AV:A/PR:N/UI:N/', 'AV:N/PR:L/UI:N/', 'AV:N/PR:N/UI:P/'],
    2: ['AV:P/PR:N/UI:N/', 'AV:A/PR:L/UI:P/'],
  },
  eq2: { 0: ['AC:L/AT:N/'], 1: ['AC:H/AT:N/', 'AC:L/AT:P/'] },
  eq3eq6: {
    '00': ['VC:H/VI:H/VA:H/CR:H/IR:H/AR:H/'],
    '01': ['VC:H/VI:H/VA:L/CR:M/IR:M/AR:H/', 'VC:H/VI:H/VA:H/CR:M/IR:M/AR:M/'],
    '10': ['VC:L/VI:H/VA:H/CR:H/IR:H/AR:H/', 'VC:H/VI:L/VA:H/CR:H/IR:H/AR:H/'],
    '11': [
      'VC:L/VI:H/VA:L/CR:H/IR:M/AR:H/',
      'VC:L/VI:H/VA:H/CR:H/IR:M/AR:M/',
      'VC:H/VI:L/VA:H/CR:M/IR:H/AR:M/',
      'VC:H/VI:L/VA:L/CR:M/IR:H/AR:H/',
      'VC:L/VI:L/VA:H/CR:H/IR:H/AR:M/',
    ],
    '21': ['VC:L/VI:L/VA:L/CR:H/IR:H/AR:H/'],
  },
  eq4: { 0: ['SC:H/SI:S/SA:S/'], 1: ['SC:H/SI:H/SA:H/'], 2: ['SC:L/SI:L/SA:L/'] },
  eq5: { 0: ['E:A/'], 1: ['E:P/'], 2: ['E:U/'] },
};

/** Depth of each EQ level in severity-distance steps ("maxSeverity" in the reference calculator). */
const MAX_SEVERITY = {
  eq1: [1, 4, 5],
  eq2: [1, 2],
  eq3eq6: { '00': 7, '01': 6, '10': 8, '11': 8, '21': 10 } as Record<string, number>,
  eq4: [6, 5, 4],
};

type Metrics = ReadonlyMap<string, string>;

/** The effective value of a metric: defaults for unset threat/requirement metrics, modified metrics win. */
function effective(metrics: Metrics, name: string): string {
  const selected = metrics.get(name) ?? X;
  if (name === 'E' && selected === X) return 'A';
  if ((name === 'CR' || name === 'IR' || name === 'AR') && selected === X) return 'H';
  const modified = metrics.get(`M${name}`);
  if (modified !== undefined && modified !== X) return modified;
  return selected;
}

export function macroVector(metrics: Metrics): string {
  const m = (name: string): string => effective(metrics, name);
  const av = m('AV');
  const pr = m('PR');
  const ui = m('UI');
  let eq1 = 2;
  if (av === 'N' && pr === 'N' && ui === 'N') eq1 = 0;
  else if ((av === 'N' || pr === 'N' || ui === 'N') && av !== 'P') eq1 = 1;
  const eq2 = m('AC') === 'L' && m('AT') === 'N' ? 0 : 1;
  const vc = m('VC');
  const vi = m('VI');
  const va = m('VA');
  const eq3 = vc === 'H' && vi === 'H' ? 0 : vc === 'H' || vi === 'H' || va === 'H' ? 1 : 2;
  let eq4 = 2;
  if (m('MSI') === 'S' || m('MSA') === 'S') eq4 = 0;
  else if (m('SC') === 'H' || m('SI') === 'H' || m('SA') === 'H') eq4 = 1;
  const e = m('E');
  const eq5 = e === 'A' ? 0 : e === 'P' ? 1 : 2;
  const eq6 =
    (m('CR') === 'H' && vc === 'H') || (m('IR') === 'H' && vi === 'H') || (m('AR') === 'H' && va === 'H')
      ? 0
      : 1;
  return `${eq1}${eq2}${eq3}${eq4}${eq5}${eq6}`;
}

/** Score of a MacroVector, NaN when the specification defines none (as the reference calculator's lookup). */
function lookup(macro: string): number {
  return MACROVECTOR_SCORES[macro] ?? NaN;
}

function parseMaxVector(max: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of max.split('/')) {
    const [name, value] = part.split(':');
    if (name && value) out.set(name, value);
  }
  return out;
}

export function cvss4Score(vector: string): number {
  const metrics = parseVector(vector, 'CVSS:4.0', ALLOWED, BASE);
  const m = (name: string): string => effective(metrics, name);
  if (['VC', 'VI', 'VA', 'SC', 'SI', 'SA'].every((name) => m(name) === 'N')) return 0;

  const macro = macroVector(metrics);
  const [eq1, eq2, eq3, eq4, eq5, eq6] = [...macro].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  let value = lookup(macro);
  const at = (...eqs: number[]): string => eqs.join('');

  // a. The scoring difference to the next lower MacroVector of each EQ (NaN when there is none).
  const lowerEq1 = lookup(at(eq1 + 1, eq2, eq3, eq4, eq5, eq6));
  const lowerEq2 = lookup(at(eq1, eq2 + 1, eq3, eq4, eq5, eq6));
  let lowerEq3Eq6: number;
  if (eq3 === 0 && eq6 === 0) {
    // Two ways down; take the higher score.
    const left = lookup(at(eq1, eq2, eq3, eq4, eq5, eq6 + 1));
    const right = lookup(at(eq1, eq2, eq3 + 1, eq4, eq5, eq6));
    lowerEq3Eq6 = left > right ? left : right;
  } else if (eq3 === 1 && eq6 === 0) {
    lowerEq3Eq6 = lookup(at(eq1, eq2, eq3, eq4, eq5, eq6 + 1));
  } else if (eq3 === 2 && eq6 === 1) {
    lowerEq3Eq6 = lookup(at(eq1, eq2, eq3 + 1, eq4, eq5, eq6 + 1));
  } else {
    lowerEq3Eq6 = lookup(at(eq1, eq2, eq3 + 1, eq4, eq5, eq6));
  }
  const lowerEq4 = lookup(at(eq1, eq2, eq3, eq4 + 1, eq5, eq6));
  const lowerEq5 = lookup(at(eq1, eq2, eq3, eq4, eq5 + 1, eq6));

  // b. The severity distance from the first highest-severity vector of the MacroVector that is not less severe.
  const maxVectors: string[] = [];
  for (const a of MAX_COMPOSED.eq1?.[eq1] ?? [])
    for (const b of MAX_COMPOSED.eq2?.[eq2] ?? [])
      for (const c of MAX_COMPOSED.eq3eq6?.[`${eq3}${eq6}`] ?? [])
        for (const d of MAX_COMPOSED.eq4?.[eq4] ?? [])
          for (const e of MAX_COMPOSED.eq5?.[eq5] ?? []) maxVectors.push(a + b + c + d + e);
  const distance: Record<string, number> = {};
  for (const max of maxVectors) {
    const maxMetrics = parseMaxVector(max);
    for (const name of Object.keys(LEVELS)) {
      const levels = LEVELS[name] as Record<string, number>;
      distance[name] = (levels[m(name)] as number) - (levels[maxMetrics.get(name) as string] as number);
    }
    if (!Object.values(distance).some((d) => d < 0)) break;
  }
  const d = (name: string): number => distance[name] as number;
  const currentEq1 = d('AV') + d('PR') + d('UI');
  const currentEq2 = d('AC') + d('AT');
  const currentEq3Eq6 = d('VC') + d('VI') + d('VA') + d('CR') + d('IR') + d('AR');
  const currentEq4 = d('SC') + d('SI') + d('SA');

  // c, d. Each EQ moves the score towards its lower MacroVector by the proportion of its depth travelled.
  const step = 0.1;
  const parts: [available: number, current: number, depth: number][] = [
    [value - lowerEq1, currentEq1, (MAX_SEVERITY.eq1[eq1] as number) * step],
    [value - lowerEq2, currentEq2, (MAX_SEVERITY.eq2[eq2] as number) * step],
    [value - lowerEq3Eq6, currentEq3Eq6, (MAX_SEVERITY.eq3eq6[`${eq3}${eq6}`] as number) * step],
    [value - lowerEq4, currentEq4, (MAX_SEVERITY.eq4[eq4] as number) * step],
  ];
  let existing = 0;
  let sum = 0;
  for (const [available, current, depth] of parts) {
    if (Number.isNaN(available)) continue;
    existing++;
    sum += available * (current / depth);
  }
  // EQ5 always contributes a proportion of 0, but still counts when a lower MacroVector exists.
  if (!Number.isNaN(value - lowerEq5)) existing++;

  // 2, 3. Subtract the mean distance, clamp, and round half up to one decimal (with the reference
  // calculator's epsilon, so that x.x4999999 from floating point error rounds like the exact x.x5).
  value -= existing === 0 ? 0 : sum / existing;
  value = Math.min(Math.max(value, 0), 10);
  return Math.round((value + 1e-6) * 10) / 10;
}
