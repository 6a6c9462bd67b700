import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareNpm, npmComparator } from '../../../src/vulndb/versions/semver.js';
import type { Vector } from './vectors.js';
import { ascending, assertVectors } from './vectors.js';

// node-semver in loose mode, as npm parses versions.
const cases = [
  ['1.2.3', '<', '1.2.4'],
  ['1.2.3', '<', '1.10.0'],
  ['1.2.3-alpha', '<', '1.2.3'],
  ['1.2.3+build.1', '=', '1.2.3+build.2'],
  ['v1.2.3', '=', '1.2.3'],
  ['=1.2.3', '=', '1.2.3'],
  [' 1.2.3 ', '=', '1.2.3'],
  ['v 1.2.3', '=', '1.2.3'],
  ['1.2.3beta', '=', '1.2.3-beta'],
  ['1.2.3-a.10', '>', '1.2.3-a.5'],
  ['1.2.3-a.b', '>', '1.2.3-a.5'],
  ['1.2.3-a.b', '>', '1.2.3-a'],
  ['1.2.3-r2', '>', '1.2.3-r100'],
  ['1.2.3-5-foo', '>', '1.2.3-5'],
  ['4.17.20', '<', '4.17.21'],
  // Strings node-semver rejects fall back to lenient SemVer.
  ['1.2', '<', '1.2.1'],
  ['9007199254740993.0.0', '>', '9007199254740992.0.0'],
] satisfies Vector[];

test('npm orders versions as node-semver does', () => {
  assertVectors(compareNpm, cases);
});

test('npm: SemVer 2.0.0 section 11 example is ascending', () => {
  const spec = [
    '1.0.0-alpha',
    '1.0.0-alpha.1',
    '1.0.0-alpha.beta',
    '1.0.0-beta',
    '1.0.0-beta.2',
    '1.0.0-beta.11',
  ];
  assertVectors(compareNpm, ascending([...spec, '1.0.0-rc.1', '1.0.0', '2.0.0', '2.1.0', '2.1.1']));
});

test('npm: isValid accepts what npm accepts', () => {
  const isValid = npmComparator.isValid as (v: string) => boolean;
  for (const v of ['1.2.3', 'v1.2.3', '=1.2.3', '1.2.3-beta.1+build']) assert.equal(isValid(v), true, v);
  for (const v of ['1.2', 'latest', '1.2.3.4', '']) assert.equal(isValid(v), false, v);
});
