import { test } from 'node:test';
import { compareComposer, phpVersionCompare } from '../../../src/vulndb/versions/composer.js';
import type { Vector } from './vectors.js';
import { allEqual, ascending, assertVectors } from './vectors.js';

// Composer: normalise (v prefix, padding, stability names), then PHP's version_compare.
const cases = [
  ['1.0.0', '<', '1.0.1'],
  ['1.0.0-beta2', '<', '1.0.0-beta10'],
  ['1.2.3.4', '>', '1.2.3'],
  ['2.0.0+build', '=', '2.0.0'],
  ['v5.4.20', '<', 'v5.4.21'],
  ['7.4.0-RC1', '<', '7.4.0'],
  ['1.0.0-p1', '=', '1.0.0-patch1'],
] satisfies Vector[];

// version_compare itself, as PHP documents it.
const php = [
  ['5.2', '<', '5.2.0'],
  ['1.0rc1', '<', '1.0'],
  ['1.0', '<', '1.0pl1'],
  ['1.0-dev', '<', '1.0-alpha'],
  ['1.0', '<', '1.0.0'],
  ['1.0alpha', '=', '1.0a'],
  ['1.0foo', '<', '1.0-dev'],
] satisfies Vector[];

test('composer orders Packagist versions as Composer does', () => {
  assertVectors(compareComposer, cases);
  assertVectors(compareComposer, allEqual(['1', '1.0', '1.0.0', 'v1.0.0', '1.0.0.0', 'V1.0']));
  assertVectors(compareComposer, allEqual(['1.0.0-rc1', '1.0.0-RC1', '1.0.0RC1']));
  assertVectors(compareComposer, allEqual(['1.0.0-b1', '1.0.0-beta1', '1.0.0.beta1']));
  assertVectors(
    compareComposer,
    ascending(['1.0.0-dev', '1.0.0-alpha1', '1.0.0-beta1', '1.0.0-RC1', '1.0.0', '1.0.0-pl1', '1.0.1']),
  );
});

test('composer: php version_compare', () => {
  assertVectors(phpVersionCompare, php);
});
