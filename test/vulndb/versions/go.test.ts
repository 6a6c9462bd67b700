import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareGo, goComparator } from '../../../src/vulndb/versions/go.js';
import type { Vector } from './vectors.js';
import { allEqual, ascending, assertVectors } from './vectors.js';

// golang.org/x/mod/semver: valid versions in ascending order, with shorthands equal to their full form.
const valid = [
  'v1.0.0-alpha',
  'v1.0.0-alpha.1',
  'v1.0.0-alpha.beta',
  'v1.0.0-beta',
  'v1.0.0-beta.2',
  'v1.0.0-beta.11',
  'v1.0.0-rc.1',
  'v1.0.0',
  'v1.2.0',
  'v1.2.3-456',
  'v1.2.3-456.789',
  'v1.2.3-456-789',
  'v1.2.3-456a',
  'v1.2.3-pre',
  'v1.2.3-pre.1',
  'v1.2.3-zzz',
  'v1.2.3',
];
const invalid = [
  'bad',
  'v1-alpha.beta.gamma',
  'v1-pre',
  'v1+meta',
  'v1.2-pre',
  'v1.2+meta',
  'v01.2.3',
  'v1.2.3-01',
  'v1.2.3-',
];

const cases = [
  ['v1', '=', 'v1.0.0'],
  ['v1.2', '=', 'v1.2.0'],
  ['v1.2.3-pre+meta', '=', 'v1.2.3-pre'],
  ['v1.2.3+meta-pre.sha.256a', '=', 'v1.2.3'],
  // OSV writes Go versions without the v.
  ['1.2.3', '=', 'v1.2.3'],
  ['1.21.0', '<', '1.21.10'],
  ['v2.0.0+incompatible', '=', 'v2.0.0'],
  ['v2.0.0+incompatible', '>', 'v1.9.9'],
  // Pseudo-versions: before the next release, ordered by commit time.
  ['v0.0.0-20191109021931-daa7c04131f5', '<', 'v0.0.0-20191110000000-0123456789ab'],
  ['v1.2.3', '<', 'v1.2.4-0.20191109021931-daa7c04131f5'],
  ['v1.2.4-0.20191109021931-daa7c04131f5', '<', 'v1.2.4'],
  ['v1.2.3-pre', '<', 'v1.2.3-pre.0.20191109021931-daa7c04131f5'],
  ['v0.0.0-20210921155107-089bfa567519', '<', 'v0.1.0'],
] satisfies Vector[];

test('go: valid versions ascend, invalid ones are equal and below all', () => {
  assertVectors(compareGo, ascending(valid));
  assertVectors(compareGo, allEqual(invalid));
  for (const bad of invalid) assertVectors(compareGo, [[bad, '<', 'v0.0.0-0']]);
});

test('go orders module versions as golang.org/x/mod/semver does', () => {
  assertVectors(compareGo, cases);
});

test('go: isValid', () => {
  const isValid = goComparator.isValid as (v: string) => boolean;
  for (const v of ['v1', 'v1.2', '1.2.3', 'v2.0.0+incompatible', 'v0.0.0-20191109021931-daa7c04131f5']) {
    assert.equal(isValid(v), true, v);
  }
  for (const v of invalid) assert.equal(isValid(v), false, v);
});
