import { test } from 'node:test';
import assert from 'node:assert/strict';
import { comparePep440, pep440Comparator } from '../../../src/vulndb/versions/pep440.js';
import type { Vector } from './vectors.js';
import { allEqual, ascending, assertVectors } from './vectors.js';

// PEP 440 normalisation: each group spells one version.
const spellings = [
  ['1.0a1', '1.0.0a1', '1.0alpha1', '1.0-a1', '1.0.a.1', '1.0_a_1', '1.0A1', 'v1.0a1', ' 1.0a1 '],
  ['1.0rc1', '1.0c1', '1.0pre1', '1.0preview1', '1.0-rc-1', '1.0.RC1'],
  ['1.0.post1', '1.0-post1', '1.0post1', '1.0-1', '1.0rev1', '1.0r1', '1.0.post.1', '1.0_post_1'],
  ['1.0.post0', '1.0.post', '1.0-post', '1.0rev'],
  ['1.0.dev0', '1.0.dev', '1.0-dev', '1.0dev0', '1.0_dev'],
  ['1.0a0', '1.0a', '1.0.alpha'],
  ['1', '1.0', '1.0.0', '1.0.0.0', '01.00', '0!1.0'],
  ['1.0+ubuntu.1', '1.0+ubuntu-1', '1.0+UBUNTU_1'],
];

// PEP 440's own example of the relative ordering of every kind of release.
const peps = [
  '1.0.dev456',
  '1.0a1',
  '1.0a2.dev456',
  '1.0a12.dev456',
  '1.0a12',
  '1.0b1.dev456',
  '1.0b2',
  '1.0b2.post345.dev456',
  '1.0b2.post345',
  '1.0rc1.dev456',
  '1.0rc1',
  '1.0',
  '1.0+abc.5',
  '1.0+abc.7',
  '1.0+5',
  '1.0.post456.dev34',
  '1.0.post456',
  '1.0.15',
  '1.1.dev1',
];

const cases = [
  ['1!0.1', '>', '2.0'],
  ['1!1.0', '<', '2!1.0'],
  ['1.0.0+local', '>', '1.0.0'],
  ['1.0+abc', '<', '1.0+1'],
  ['1.0+1.2', '>', '1.0+1'],
  ['1.0+a.b', '<', '1.0+a.b.c'],
  ['2.0.0a1', '<', '2.0.0rc1'],
  ['1.0.dev0', '<', '1.0a0'],
  ['1.2.post3.dev4', '>', '1.2b3.dev4'],
  ['3.2.post1', '<', '3.2.1'],
  ['1.0.0', '<', '1.0.0.post0.dev1'],
  ['22.3.1', '<', '23.0'],
  // Legacy (non-PEP 440) versions sort before every PEP 440 version, then by packaging's old key.
  ['1.0-SNAPSHOT', '<', '0.1'],
  ['french toast', '<', '0.0.1'],
  ['0.1-bulbasaur', '<', '0.1-charmander'],
] satisfies Vector[];

test('pep440: differently spelled versions are equal after normalisation', () => {
  for (const group of spellings) assertVectors(comparePep440, allEqual(group));
});

test("pep440: PEP 440's example ordering is ascending", () => {
  assertVectors(comparePep440, ascending(peps));
});

test('pep440 orders epochs, local versions and legacy versions as packaging does', () => {
  assertVectors(comparePep440, cases);
});

test('pep440: isValid is packaging.version.Version parsing', () => {
  const isValid = pep440Comparator.isValid as (v: string) => boolean;
  for (const v of ['1.0', 'v1.0', '1!2.0.post1.dev2+abc.1', '1.0-1', ' 1.0 '])
    assert.equal(isValid(v), true, v);
  for (const v of ['1.0-SNAPSHOT', 'french toast', '1.0+', '1.0+a..b', '', '1.0.'])
    assert.equal(isValid(v), false, v);
});
