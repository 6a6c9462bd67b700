import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRubyGems, rubyGemsComparator } from '../../../src/vulndb/versions/rubygems.js';
import type { Vector } from './vectors.js';
import { assertVectors } from './vectors.js';

// Gem::Version: a letter makes a pre-release; "-" means ".pre."; trailing zeros do not count.
const cases = [
  ['1.0', '=', '1.0.0'],
  ['1.0', '=', '1'],
  ['1.0', '>', '1.0.a'],
  ['1.8.2', '>', '0.0.0'],
  ['1.8.2', '>', '1.8.2.a'],
  ['1.8.2.b', '>', '1.8.2.a'],
  ['1.8.2.a10', '>', '1.8.2.a9'],
  ['', '=', '0'],
  ['0.beta.1', '=', '0.0.beta.1'],
  ['0.0.beta', '<', '0.0.beta.1'],
  ['0.0.beta', '<', '0.beta.1'],
  ['5.a', '<', '5.0.0.rc2'],
  ['5.x', '>', '5.0.0.rc2'],
  ['1.9.3', '>', '1.9.2.99'],
  ['1.9.3', '<', '1.9.3.1'],
  ['1.0.a', '=', '1.a'],
  ['1.0.a2', '=', '1.0.a.2'],
  ['1.0.0-rc1', '=', '1.0.0.pre.rc1'],
  ['1.0.0-rc1', '<', '1.0.0'],
  ['2.0.0.rc1', '<', '2.0.0'],
  ['1.2.4.beta', '<', '1.2.4'],
  ['3.10', '>', '3.2'],
  ['1.0.A', '<', '1.0.a'],
  ['6.1.7.2', '<', '6.1.7.10'],
  ['7.0.0.alpha2', '<', '7.0.0.beta1'],
] satisfies Vector[];

test('rubygems orders versions as Gem::Version does', () => {
  assertVectors(compareRubyGems, cases);
});

test('rubygems: isValid is Gem::Version.correct?', () => {
  const isValid = rubyGemsComparator.isValid as (v: string) => boolean;
  for (const v of ['1.0', '1.0.a', '1.0.0-rc1', ' 1.2 ', '', '1.2.3-beta.2'])
    assert.equal(isValid(v), true, v);
  for (const v of ['junk', '1..2', '1.0-', 'a1.0', '1.2.3+build']) assert.equal(isValid(v), false, v);
});
