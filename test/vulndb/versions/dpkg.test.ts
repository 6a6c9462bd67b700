import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareDpkg, dpkgComparator } from '../../../src/vulndb/versions/dpkg.js';
import type { Vector } from './vectors.js';
import { ascending, assertVectors } from './vectors.js';

// Debian Policy 5.6.12 and dpkg's verrevcmp: epoch first, then upstream, then revision.
const cases = [
  ['1.0', '<', '1.1'],
  ['1.9', '<', '1.10'],
  ['1.01', '=', '1.1'],
  ['1.001', '=', '1.1'],
  ['0:1.0', '=', '1.0'],
  ['1.0', '=', '1.0-0'],
  ['1.0', '<', '1.0-1'],
  ['1:0.1', '>', '9.9'],
  ['2:1.0', '>', '1:9.9'],
  ['10:1', '>', '9:2'],
  ['1.0-1', '<', '1.0-2'],
  ['1.0-9', '<', '1.0-10'],
  ['1.0-1', '<', '1.0-1.1'],
  ['1.0-1', '<', '1.0-1+b1'],
  // A tilde sorts before anything, even the end: pre-releases and backports.
  ['1.0~rc1', '<', '1.0'],
  ['1.0~rc1', '<', '1.0~rc2'],
  ['1.0~~', '<', '1.0~'],
  ['1.2.3-1~deb12u1', '<', '1.2.3-1'],
  ['1.2.3-1', '<', '1.2.3-1+deb12u1'],
  ['1.2.3-1+deb11u1', '<', '1.2.3-1+deb12u1'],
  // Letters sort before every other non-digit character, uppercase before lowercase.
  ['1.0a', '<', '1.0+'],
  ['1.0a', '<', '1.0.'],
  ['1.0A', '<', '1.0a'],
  ['1.0+dfsg', '<', '1.0.1'],
  ['1.0+dfsg-1', '>', '1.0-1'],
  ['1.0', '<', '1.0a'],
  // Upstream versions may contain hyphens; the revision follows the last one.
  ['1.0-beta-1', '<', '1.0-beta-2'],
  ['2:0.0.44-1', '<', '2:0.0.44-nobin'],
  // Ubuntu and security-update revisions.
  ['2.35-0ubuntu3.1', '<', '2.35-0ubuntu3.4'],
  ['2.30-1', '<', '2.30-1ubuntu1'],
  ['7.6p1-4', '<', '7.6p1-4ubuntu0.3'],
  ['1.1.1n-0+deb11u5', '<', '1.1.1w-0+deb11u1'],
  ['0.9.8c-4etch5', '<', '0.9.8g-15'],
  ['252.19-1~deb12u1', '<', '252.22-1~deb12u1'],
] satisfies Vector[];

test('dpkg orders versions as Debian Policy and dpkg do', () => {
  assertVectors(compareDpkg, cases);
});

test('dpkg: the tilde chain from Debian Policy is in ascending order', () => {
  assertVectors(compareDpkg, ascending(['1.0~~', '1.0~~a', '1.0~', '1.0', '1.0a']));
});

test('dpkg: isValid follows parseversion', () => {
  const isValid = dpkgComparator.isValid as (v: string) => boolean;
  for (const v of ['1.0', '1:1.0-1', '1.0-1', '2.30-1ubuntu1', '1.0~rc1+dfsg-1', '1.0-beta-1']) {
    assert.equal(isValid(v), true, v);
  }
  for (const v of ['', 'a1.0', 'x:1.0', '1.0-', ':1.0', '1.0 1', '1.0-a_b'])
    assert.equal(isValid(v), false, v);
});
