import { test } from 'node:test';
import { comparePub } from '../../../src/vulndb/versions/pub.js';
import type { Vector } from './vectors.js';
import { ascending, assertVectors } from './vectors.js';

// pub_semver: pre-release before release, build after no build, parts by number or string.
const cases = [
  ['1.0.0-alpha', '<', '1.0.0'],
  ['1.0.0', '<', '1.0.0+build'],
  ['1.0.0+1', '<', '1.0.0+2'],
  ['1.0.0+2', '<', '1.0.0+10'],
  ['1.0.0-1', '<', '1.0.0-a'],
  ['1.0.0-dev.1', '<', '1.0.0-dev.2'],
  ['1.0.0-dev', '<', '1.0.0-dev.1'],
  ['1.0.0+build.01', '=', '1.0.0+build.1'],
  ['0.10.0', '>', '0.9.9'],
  ['2.0.0-nullsafety.0', '<', '2.0.0'],
] satisfies Vector[];

test('pub orders versions as pub_semver does', () => {
  assertVectors(comparePub, cases);
  assertVectors(
    comparePub,
    ascending(['1.0.0-alpha', '1.0.0-beta', '1.0.0', '1.0.0+1', '1.0.1', '1.1.0', '2.0.0']),
  );
});
