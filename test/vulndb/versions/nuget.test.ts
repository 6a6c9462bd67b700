import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareNuGet, nugetComparator } from '../../../src/vulndb/versions/nuget.js';
import type { Vector } from './vectors.js';
import { allEqual, ascending, assertVectors } from './vectors.js';

// NuGet.Versioning: four numeric parts, case-insensitive release labels, metadata ignored.
const cases = [
  ['1.0.0', '<', '1.0.1'],
  ['1.0.0', '<', '1.0.0.1'],
  ['1.0.0.1-beta', '>', '1.0.0'],
  ['1.0.01', '<', '1.0.1.2'],
  ['1.0.0-alpha', '<', '1.0.0'],
  ['1.0.0-alpha.2', '<', '1.0.0-alpha.10'],
  ['1.0.0-alpha', '<', '1.0.0-alpha.1'],
  ['1.0.0-1', '<', '1.0.0-alpha'],
  ['1.0.0-beta2', '>', '1.0.0-BETA'],
  ['1.0.0-beta+AA', '<', '1.0.0+aa'],
  ['1.0.0-BETA.X.y.5.77.0+AA', '<', '1.0.0-beta.x.y.5.79.0+aa'],
  ['1.0.0-a_b', '<', '1.0.0'],
  ['13.0.1', '<', '13.0.3'],
  ['6.0.0-preview.7.21377.19', '<', '6.0.0-rc.1.21451.13'],
  ['4.7.2', '>', '4.7.1.9999'],
] satisfies Vector[];

test('nuget orders versions as NuGet.Versioning does', () => {
  assertVectors(compareNuGet, cases);
  assertVectors(compareNuGet, allEqual(['1.0', '1.0.0', '1.0.0.0', '1.0+build', '1.00.0']));
  assertVectors(compareNuGet, allEqual(['1.0.0-BETA.X', '1.0.0-beta.x', '1.0.0-Beta.X+meta']));
  assertVectors(
    compareNuGet,
    ascending(['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-beta', '1.0.0-rc.1', '1.0.0', '1.0.0.1']),
  );
});

test('nuget: isValid', () => {
  const isValid = nugetComparator.isValid as (v: string) => boolean;
  for (const v of ['1', '1.0', '1.0.0.0', '1.0.0-beta.1+sha.5']) assert.equal(isValid(v), true, v);
  for (const v of ['1.0.0.0.0', 'v1.0', '1.0.0-', '1.0.0-be..ta', '']) assert.equal(isValid(v), false, v);
});
