import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareApk, isValidApk } from '../../../src/vulndb/versions/apk.js';
import type { Vector } from './vectors.js';
import { ascending, assertVectors } from './vectors.js';

// apk-tools 3: digit{.digit}...{letter}{_suffix{#}}...{~hash}{-r#}.
const cases = [
  ['1.0', '<', '1.0.1'],
  ['1.0', '<', '1.0-r1'],
  ['1.0-r0', '<', '1.0-r1'],
  ['1.0-r9', '<', '1.0-r10'],
  ['1.0-r1', '<', '1.0.1-r0'],
  ['1.0_rc1', '<', '1.0_rc2'],
  ['1.0_rc1-r5', '<', '1.0-r0'],
  ['1.0_p9', '<', '1.0_p10'],
  ['1.0_p1', '>', '1.0-r9'],
  ['1.0_git20230101', '<', '1.0_git20230102'],
  ['1.0_pre20191002222144-r0', '<', '1.0_pre20210530193627-r0'],
  ['0.1.0_alpha_pre2', '<', '0.1.0_alpha'],
  ['1.0a', '>', '1.0'],
  ['1.0a', '<', '1.0b'],
  ['1.0z', '<', '1.0.1'],
  ['1.10', '>', '1.9'],
  ['2.2.39-r1', '>', '1.0.4-r3'],
  // A number after a dot with a leading zero compares as a string (Gentoo's rule).
  ['8.2.0015', '<', '8.2.002'],
  ['1.02', '<', '1.1'],
  ['1.05-r19', '<', '2.2.5'],
  // The initial number always compares by value.
  ['006', '>', '1.0.0'],
  ['20060720', '>', '3.0.20060720'],
  // Commit hashes compare as strings.
  ['1.0~abc1', '<', '1.0~abd0'],
  // apk-tools 2 style letter-then-digits, as in real Alpine versions.
  ['6.6.2p1', '<', '6.6.2p2'],
  ['5.7.1p1-r0', '<', '5.7.1p1-r1'],
  // An unknown suffix or other garbage makes that side older from that point on.
  ['1.0_blah', '<', '1.0'],
  ['1.0', '<', '1.0bc'],
] satisfies Vector[];

test('apk orders versions as apk-tools does', () => {
  assertVectors(compareApk, cases);
});

test('apk: suffixes rank alpha < beta < pre < rc < none < cvs < svn < git < hg < p', () => {
  const order = ['_alpha', '_beta', '_pre', '_rc', '', '_cvs', '_svn', '_git', '_hg', '_p'];
  assertVectors(compareApk, ascending(order.map((s) => `1.0${s}`)));
  assertVectors(compareApk, ascending(order.map((s) => (s ? `1.0${s}1` : `1.0`))));
});

test('apk: isValid follows apk_version_validate', () => {
  for (const v of [
    '100',
    '1.0',
    '0-r1',
    '10.2.3-r100',
    '0.0.0_git20210122-r0',
    '9100h-r4',
    '1.0~1234abcd',
    '1.0_alpha_pre2',
  ]) {
    assert.equal(isValidApk(v), true, v);
  }
  for (const v of ['', 'a', '0r-10', '10.2.3-100', '1.0_foo', '1.0.', '1.0~', '1.0-r', '1.0A', '1.0-r1_p1']) {
    assert.equal(isValidApk(v), false, v);
  }
});
