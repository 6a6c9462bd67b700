import { test } from 'node:test';
import { compareGeneric } from '../../../src/vulndb/versions/generic.js';
import type { Vector } from './vectors.js';
import { assertVectors } from './vectors.js';

// Lenient SemVer for OSV's SEMVER ranges and SemVer-like ecosystems (Hex, SwiftURL, Bitnami).
const cases = [
  ['1.2.3', '=', 'v1.2.3'],
  ['1.2', '=', '1.2.0'],
  ['1', '<', '1.0.1'],
  ['01.2.3', '=', '1.2.3'],
  ['1.2.3-rc.1', '<', '1.2.3'],
  ['1.2.3beta', '=', '1.2.3-beta'],
  ['1.2.3+build', '=', '1.2.3'],
  ['1.2.3.4', '=', '1.2.3'],
  ['999999999999999999999999999991', '<', '999999999999999999999999999999'],
  ['not a version', '<', '0.0.0'],
  ['abc', '<', 'abd'],
] satisfies Vector[];

test('generic orders versions by lenient SemVer precedence', () => {
  assertVectors(compareGeneric, cases);
});
