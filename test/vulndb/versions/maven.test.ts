import { test } from 'node:test';
import { compareMaven } from '../../../src/vulndb/versions/maven.js';
import type { Vector } from './vectors.js';
import { allEqual, ascending, assertVectors } from './vectors.js';

// Qualifier and number orderings that Maven's ComparableVersion guarantees (its own test suite checks these).
const qualifiers = [
  '1-alpha2snapshot',
  '1-alpha2',
  '1-alpha-123',
  '1-beta-2',
  '1-beta123',
  '1-m2',
  '1-m11',
  '1-rc',
  '1-cr2',
  '1-rc123',
  '1-SNAPSHOT',
  '1',
  '1-sp',
  '1-sp2',
  '1-sp123',
  '1-abc',
  '1-def',
  '1-pom-1',
  '1-1-snapshot',
  '1-1',
  '1-2',
  '1-123',
];
const numbers = [
  '2.0',
  '2.0.a',
  '2-1',
  '2.0.2',
  '2.0.123',
  '2.1.0',
  '2.1-a',
  '2.1b',
  '2.1-c',
  '2.1-1',
  '2.1.0.1',
  '2.2',
  '2.123',
  '11.a2',
  '11.a11',
  '11.b2',
  '11.b11',
  '11.m2',
  '11.m11',
  '11',
  '11.a',
  '11b',
  '11c',
  '11m',
];

const equalities = [
  ['1', '1.0', '1.0.0', '1-0', '1.0-0', '1ga', '1release', '1final', '1GA', '1Final', '1RELeaSE'],
  ['1a', '1-a', '1.0-a', '1.0.0-a', '1.0a', '1.0.0a'],
  ['1x', '1-x', '1.0-x', '1.0.0-x', '1.0x', '1.0.0x', '1X'],
  ['1cr', '1rc', '1Cr', '1Rc', '1cR', '1rC'],
  ['1a1', '1-alpha-1', '1alpha1', '1A1'],
  ['1b2', '1-beta-2'],
  ['1m3', '1-milestone-3', '1Milestone3', '1MileStone3', '1MILESTONE3'],
  ['1-abcdefghijklmnopqrstuvwxyz', '1-ABCDEFGHIJKLMNOPQRSTUVWXYZ'],
  ['1.0.0-alpha1', '1.0.0-ALPHA1'],
  ['1.a', '1.A'],
  ['1.é', '1.É'],
  ['1', '01', '001', '0000000000000000001', '000000000000000000000000001'],
  ['0', '00', '0000000000000000000', '0.0', '0-final-ga'],
];

const cases = [
  ['1', '<', '2'],
  ['1.5', '<', '2'],
  ['1', '<', '2.5'],
  ['1.0.0', '<', '1.1'],
  ['1.0.1', '<', '1.1'],
  ['1.1', '<', '1.2.0'],
  ['1.0-alpha-1', '<', '1.0'],
  ['1.0-alpha-1', '<', '1.0-alpha-2'],
  ['1.0-alpha-1', '<', '1.0-beta-1'],
  ['1.0-beta-1', '<', '1.0-SNAPSHOT'],
  ['1.0-SNAPSHOT', '<', '1.0'],
  ['1.0-alpha-1-SNAPSHOT', '<', '1.0-alpha-1'],
  ['1.0', '<', '1.0-1'],
  ['1.0-1', '<', '1.0-2'],
  ['1.0.0', '<', '1.0-1'],
  ['2.0-1', '<', '2.0.1'],
  ['2.0.1-klm', '<', '2.0.1-lmn'],
  ['2.0.1', '<', '2.0.1-xyz'],
  ['2.0.1', '<', '2.0.1-123'],
  ['2.0.1-xyz', '<', '2.0.1-123'],
  ['0.7', '<', '2'],
  ['0.2', '<', '1.0.7'],
  ['7', '>', 'J'],
  ['7', '>', 'c'],
  ['1', '>', 'é'],
  ['1', '>', '\u0668'],
  ['9', '>', '\u0668'],
  ['1', '>', '\u{1D7E4}'],
  ['aardvark', '<', 'zebra'],
  ['zebra', '<', 'ζέβρα'],
  // MNG-5568 and MNG-6572: the order stays transitive with odd strings and long numbers.
  ['6.1.0rc3', '<', '6.1.0'],
  ['6.1.0rc3', '<', '6.1H.5-beta'],
  ['6.1.0', '<', '6.1H.5-beta'],
  ['1-0.alpha', '<', '1'],
  ['1-0.beta', '<', '1'],
  ['1-0.alpha', '<', '1-0.beta'],
  // MNG-7714: "final" is a release, older than any service pack.
  ['1.0.final-redhat', '<', '1.0-sp1-redhat'],
  ['1.0.final-redhat', '<', '1.0-sp-1-redhat'],
  ['1.0.final-redhat', '<', '1.0-sp.1-redhat'],
  // Real Maven Central versions.
  ['2.14.0-rc1', '<', '2.14.0'],
  ['2.9.10.8', '>', '2.9.10'],
  ['5.3.17', '<', '5.3.18'],
  ['9.4.43.v20210629', '<', '9.4.44.v20210927'],
  ['2.17.0', '>', '2.17.0-rc1'],
  ['1.2.17', '<', '2.0-beta9'],
  ['1.0.0.RELEASE', '=', '1.0.0'],
  ['5.2.0.RELEASE', '<', '5.2.1.RELEASE'],
] satisfies Vector[];

test('maven: qualifier ordering of ComparableVersion', () => {
  assertVectors(compareMaven, ascending(qualifiers));
});

test('maven: number ordering of ComparableVersion', () => {
  assertVectors(compareMaven, ascending(numbers));
});

test('maven: equivalent spellings compare equal', () => {
  for (const group of equalities) assertVectors(compareMaven, allEqual(group));
});

test('maven: pairwise ordering', () => {
  assertVectors(compareMaven, cases);
  assertVectors(
    compareMaven,
    ascending(['20190126.230843', '1234567890.12345', '123456789012345.1H.5-beta']),
  );
  assertVectors(compareMaven, ascending(['123456789012345.1H.5-beta', '12345678901234567890.1H.5-beta']));
});

test('maven: MNG-7644, a dotted qualifier equals the hyphenated one', () => {
  for (const x of ['abc', 'alpha', 'a', 'beta', 'b', 'def', 'milestone', 'm', 'RC']) {
    assertVectors(compareMaven, [[`1.0.0.${x}1`, '<', `1.0.0-${x}2`]]);
    assertVectors(compareMaven, allEqual([`2-${x}`, `2.0.${x}`, `2.0.0.${x}`]));
  }
});
