import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cargoComparator, compareCargo } from '../../../src/vulndb/versions/cargo.js';
import type { Vector } from './vectors.js';
import { ascending, assertVectors } from './vectors.js';

// Cargo's semver crate: SemVer 2.0.0 precedence, then build metadata as a tie-break.
const cases = [
  ['0.0.0', '<', '1.2.3-alpha2'],
  ['1.2.0', '<', '1.2.3-alpha2'],
  ['1.2.3-alpha1', '<', '1.2.3'],
  ['1.2.3-alpha1', '<', '1.2.3-alpha2'],
  ['1.2.3+23', '<', '1.2.3+42'],
  ['1.2.3', '<', '1.2.3+build'],
  ['1.2.3+build.9', '<', '1.2.3+build.10'],
  ['1.2.3+1', '<', '1.2.3+a'],
  ['1.2.3+0', '<', '1.2.3+00'],
  ['0.1.0', '<', '0.10.0'],
  ['1.0.0-alpha.1', '<', '1.0.0-alpha.beta'],
  ['0.10.2', '<', '0.10.10'],
  ['1.1.1+wasi-snapshot-preview1', '>', '1.1.1'],
] satisfies Vector[];

test('cargo orders versions as the semver crate does', () => {
  assertVectors(compareCargo, cases);
  const spec = [
    '1.0.0-alpha',
    '1.0.0-alpha.1',
    '1.0.0-alpha.beta',
    '1.0.0-beta',
    '1.0.0-beta.2',
    '1.0.0-beta.11',
  ];
  assertVectors(compareCargo, ascending([...spec, '1.0.0-rc.1', '1.0.0']));
});

test('cargo: isValid is strict SemVer', () => {
  const isValid = cargoComparator.isValid as (v: string) => boolean;
  for (const v of ['1.2.3', '1.2.3-alpha.1+build.01']) assert.equal(isValid(v), true, v);
  for (const v of ['1.2', 'v1.2.3', '01.2.3', '1.2.3-01', '1.2.3-', '']) assert.equal(isValid(v), false, v);
});
