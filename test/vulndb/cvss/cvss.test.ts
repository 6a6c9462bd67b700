import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { InputError } from '../../../src/core/errors.js';
import { cvssScore } from '../../../src/vulndb/cvss/index.js';
import { roundup30, roundup31 } from '../../../src/vulndb/cvss/cvss3.js';
import { cvss4Score, macroVector } from '../../../src/vulndb/cvss/cvss4.js';
import { MACROVECTOR_SCORES } from '../../../src/vulndb/cvss/cvss4-lookup.js';

interface Case {
  vector: string;
  score: number;
  source: string;
}

// Scores from the CVSS v3.1 examples document (FIRST) and NVD.
const v3 = [
  {
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H',
    score: 10.0,
    source: 'NVD CVE-2021-44228 (Log4Shell)',
  },
  {
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
    score: 9.8,
    source: 'NVD CVE-2014-6271 (Shellshock)',
  },
  {
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N',
    score: 7.5,
    source: 'NVD CVE-2014-0160 (Heartbleed)',
  },
  { vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', score: 6.1, source: 'examples CVE-2013-1937' },
  { vector: 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N', score: 6.4, source: 'examples CVE-2013-0375' },
  {
    vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N',
    score: 3.1,
    source: 'examples CVE-2014-3566 (POODLE)',
  },
  { vector: 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H', score: 9.9, source: 'examples CVE-2012-1516' },
  { vector: 'CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L', score: 4.2, source: 'examples CVE-2009-0783' },
  { vector: 'CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H', score: 8.8, source: 'examples CVE-2012-0384' },
  { vector: 'CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H', score: 7.8, source: 'examples CVE-2015-1098' },
  { vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N', score: 6.8, source: 'examples CVE-2008-1447' },
  { vector: 'CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', score: 6.8, source: 'examples CVE-2014-2005' },
  { vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:L/I:N/A:N', score: 5.8, source: 'examples CVE-2010-0467' },
  { vector: 'CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:C/C:H/I:N/A:H', score: 9.3, source: 'examples CVE-2013-6014' },
  { vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H', score: 8.8, source: 'examples CVE-2016-1645' },
  {
    vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:N',
    score: 6.8,
    source: 'examples CVE-2016-0128 (Badlock)',
  },
  { vector: 'CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', score: 8.8, source: 'examples CVE-2011-1265' },
  { vector: 'CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N', score: 4.6, source: 'examples CVE-2014-2019' },
  {
    vector: 'CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:N',
    score: 5.9,
    source: 'cross-checked with the cvss-suite implementation',
  },
  { vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', score: 7.5, source: 'NVD, typical remote DoS' },
  {
    vector: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H',
    score: 7.8,
    source: 'NVD, typical local privilege escalation',
  },
  { vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N', score: 5.3, source: 'NVD' },
  { vector: 'CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H', score: 5.5, source: 'NVD' },
  { vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', score: 0.0, source: 'no impact' },
  { vector: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', score: 9.8, source: 'NVD (v3.0)' },
  {
    vector: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N',
    score: 6.1,
    source: 'v3.0 examples CVE-2013-1937',
  },
  { vector: 'CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H', score: 8.1, source: 'NVD (v3.0)' },
  {
    vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:C/CR:L/MAV:L',
    score: 9.8,
    source: 'temporal and environmental metrics do not change the base score',
  },
] satisfies Case[];

// CVSS v4.0 scores published by FIRST's specification examples and NVD.
const v4 = [
  { vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', score: 9.3, source: 'NVD' },
  { vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H', score: 10.0, source: 'NVD' },
  { vector: 'CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', score: 9.2, source: 'NVD' },
  { vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N', score: 8.7, source: 'NVD' },
  { vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', score: 8.7, source: 'NVD' },
  { vector: 'CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', score: 8.5, source: 'NVD' },
  { vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N', score: 6.9, source: 'NVD' },
  {
    vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N',
    score: 0.0,
    source: 'no impact',
  },
] satisfies Case[];

test('cvss v3.0/v3.1 base scores match published scores', () => {
  for (const c of v3) {
    const r = cvssScore(c.vector);
    assert.equal(r.baseScore, c.score, `${c.vector} (${c.source})`);
    assert.equal(r.version, c.vector.slice(5, 8));
  }
});

test('cvss v4.0 scores match published scores', () => {
  for (const c of v4) {
    const r = cvssScore(c.vector);
    assert.equal(r.baseScore, c.score, `${c.vector} (${c.source})`);
    assert.equal(r.version, '4.0');
  }
});

test("cvss v4.0: a MacroVector's highest-severity vector scores exactly its table value", () => {
  // Base values for the parts a max vector leaves open; SI/SA "S" can only be reached through MSI/MSA.
  let checked = 0;
  for (const [macro, score] of Object.entries(MACROVECTOR_SCORES)) {
    const eq = [...macro];
    const eq1 = { '0': 'AV:N/PR:N/UI:N', '1': 'AV:A/PR:N/UI:N', '2': 'AV:P/PR:N/UI:N' }[eq[0] as '0'];
    const eq2 = { '0': 'AC:L/AT:N', '1': 'AC:H/AT:N' }[eq[1] as '0'];
    const eq36 = {
      '00': 'VC:H/VI:H/VA:H/CR:H/IR:H/AR:H',
      '01': 'VC:H/VI:H/VA:L/CR:M/IR:M/AR:H',
      '10': 'VC:L/VI:H/VA:H/CR:H/IR:H/AR:H',
      '11': 'VC:L/VI:H/VA:L/CR:H/IR:M/AR:H',
      '21': 'VC:L/VI:L/VA:L/CR:H/IR:H/AR:H',
    }[`${eq[2]}${eq[5]}` as '00'];
    const eq4 = { '0': 'SC:H/SI:H/SA:H/MSI:S/MSA:S', '1': 'SC:H/SI:H/SA:H', '2': 'SC:L/SI:L/SA:L' }[
      eq[3] as '0'
    ];
    const eq5 = { '0': 'E:A', '1': 'E:P', '2': 'E:U' }[eq[4] as '0'];
    const parts = `${eq1}/${eq2}/${eq36}/${eq4}/${eq5}`.split('/');
    const order = [
      'AV',
      'AC',
      'AT',
      'PR',
      'UI',
      'VC',
      'VI',
      'VA',
      'SC',
      'SI',
      'SA',
      'E',
      'CR',
      'IR',
      'AR',
      'MSI',
      'MSA',
    ];
    parts.sort((a, b) => order.indexOf(a.split(':')[0] as string) - order.indexOf(b.split(':')[0] as string));
    const vector = `CVSS:4.0/${parts.join('/')}`;
    const metrics = new Map(parts.map((p) => p.split(':') as [string, string]));
    assert.equal(macroVector(metrics), macro, vector);
    assert.equal(cvss4Score(vector), score, vector);
    checked++;
  }
  assert.equal(checked, 270);
});

test('cvss v3.1 Roundup rounds up to one decimal without floating-point surprises', () => {
  assert.equal(roundup31(4.02), 4.1);
  assert.equal(roundup31(4.0), 4.0);
  assert.equal(roundup31(4.000000000000001), 4.0);
  // v3.0's definition, computed naively, rounds the same float error up.
  assert.equal(roundup30(4.000000000000001), 4.1);
  assert.equal(roundup30(4.02), 4.1);
});

test('cvss severity follows the qualitative rating scale', () => {
  const ratings: [string, string][] = [
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N', 'NONE'],
    ['CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N', 'LOW'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', 'MEDIUM'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H', 'HIGH'],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'CRITICAL'],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N', 'MEDIUM'],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 'CRITICAL'],
  ];
  for (const [vector, severity] of ratings) assert.equal(cvssScore(vector).severity, severity, vector);
});

test('cvss: malformed vectors are a one-line InputError naming the problem', () => {
  const bad: [string, RegExp][] = [
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:Q', /metric A has invalid value "Q"/],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H', /missing base metric A\b/],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:L', /metric A appears more than once/],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:1', /unknown metric "ZZ"/],
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/', /component "" is not METRIC:VALUE/],
    ['CVSS:3.1/AV:N/AC:L/AT:N/PR:N/UI:N/S:U/C:H/I:H/A:H', /unknown metric "AT"/],
    ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N', /metric SI has invalid value "S"/],
    ['CVSS:4.0/AV:N/AC:L/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', /missing base metric AT/],
    ['CVSS:2.0/AV:N/AC:L/Au:N/C:P/I:P/A:P', /unsupported version 2\.0/],
    ['AV:N/AC:L/Au:N/C:P/I:P/A:P', /no "CVSS:<version>\/" prefix/],
    ['', /no "CVSS:<version>\/" prefix/],
  ];
  for (const [vector, message] of bad) {
    assert.throws(
      () => cvssScore(vector),
      (error: unknown) =>
        error instanceof InputError &&
        error.code === 'INPUT' &&
        message.test(error.message) &&
        !error.message.includes('\n'),
      vector,
    );
  }
});

interface OsvVectors {
  id: string;
  folder: string;
  vectors: string[];
  databaseSeverity?: string;
}

const osv = JSON.parse(
  readFileSync(new URL('../../fixtures/cvss/osv-vectors.json', import.meta.url), 'utf8'),
) as OsvVectors[];

test('cvss: every vector in the real OSV records scores', () => {
  let count = 0;
  for (const record of osv) {
    for (const vector of record.vectors) {
      const r = cvssScore(vector);
      assert.ok(r.baseScore >= 0 && r.baseScore <= 10, `${record.id}: ${vector}`);
      count++;
    }
  }
  assert.equal(count, 454);
});

test("cvss: GitHub's severity label agrees with the CVSS v3 score of the same record", () => {
  // GitHub reviewers may override the computed rating; this record is the only one in the fixtures that does.
  const overridden = new Set(['GHSA-99qr-9cc9-fv2x']);
  const disagreements: string[] = [];
  let compared = 0;
  for (const record of osv) {
    const v3vector = record.vectors.find((v) => v.startsWith('CVSS:3'));
    if (!record.databaseSeverity || !v3vector || overridden.has(record.id)) continue;
    const label = record.databaseSeverity === 'MODERATE' ? 'MEDIUM' : record.databaseSeverity;
    const computed = cvssScore(v3vector).severity;
    if (computed !== label) disagreements.push(`${record.id}: ${v3vector} is ${computed}, label ${label}`);
    compared++;
  }
  assert.deepEqual(disagreements, []);
  assert.ok(compared > 300, `compared ${compared}`);
});

test('cvss v3.0/v3.1: every base vector scores as the independent cvss-suite implementation does', () => {
  const lines = readFileSync(
    new URL('../../fixtures/cvss/cvss3-all-base-vectors.tsv', import.meta.url),
    'utf8',
  )
    .split('\n')
    .filter((line) => line && !line.startsWith('#'));
  const mismatches: string[] = [];
  for (const line of lines) {
    const [vector, score] = line.split('\t') as [string, string];
    const got = cvssScore(vector).baseScore;
    if (got !== Number(score)) mismatches.push(`${vector}: ${got}, expected ${score}`);
  }
  assert.equal(lines.length, 2 * 2592);
  assert.deepEqual(mismatches, []);
});
