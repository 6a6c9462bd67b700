import { test } from 'node:test';
import { compareRpm, rpmvercmp } from '../../../src/vulndb/versions/rpm.js';
import type { Vector } from './vectors.js';
import { ascending, assertVectors } from './vectors.js';

// rpmvercmp: alphanumeric runs, digits beat letters, `~` before and `^` after the end (Fedora guidelines).
const segments = [
  ['1.0', '<', '1.0.1'],
  ['1.0', '<', '2.0'],
  ['1.0a', '>', '1.0'],
  ['1.0.a', '<', '1.0.1'],
  ['1.a', '<', '1.1'],
  ['1.01', '=', '1.1'],
  ['1.001', '=', '1.1'],
  ['1.0_1', '=', '1.0.1'],
  ['1.0+1', '=', '1.0.1'],
  ['5.5p1', '<', '5.5p10'],
  ['10xyz', '<', '10.1xyz'],
  ['xyz.4', '<', '8'],
  ['1.0aa', '>', '1.0a'],
  ['4.999.9', '<', '5.0'],
  ['20101121', '<', '20101122'],
  ['1.0~rc1', '<', '1.0'],
  ['1.0~rc1', '<', '1.0~rc2'],
  ['1.0~rc1~git123', '<', '1.0~rc1'],
  ['1.0^git1', '>', '1.0'],
  ['1.0^git1', '<', '1.0.1'],
  ['1.0^git1', '<', '1.0^git2'],
  ['1.0^20160101', '<', '1.0.1'],
  ['1.0~rc1^git1', '>', '1.0~rc1'],
  ['1.0^git1~pre', '<', '1.0^git1'],
  ['99999999999999999999', '<', '100000000000000000000'],
] satisfies Vector[];

// rpmverCmp on [epoch:]version[-release].
const evrs = [
  ['0:1.0-1', '=', '1.0-1'],
  ['1:1.0-1', '>', '2.0-1'],
  ['1.0-1.el8', '<', '1.0-2.el8'],
  ['1.0-1.el8', '<', '1.0-1.el8_1'],
  ['4.18.0-513.el8', '<', '4.18.0-513.5.1.el8_9'],
  ['1:3.0.7-25.el9_3', '<', '1:3.0.7-27.el9'],
  ['2.28-236.el9_4.2', '<', '2.28-236.el9_4.3'],
  ['1.0', '<', '1.0-1'],
  ['1.0-1', '<', '1.0.1-0'],
  ['2.0-1.fc39', '>', '2.0-1.fc38'],
  ['0:3.10.0-229.el7', '<', '0:3.10.0-229.1.2.el7'],
] satisfies Vector[];

test('rpmvercmp orders version strings as rpm does', () => {
  assertVectors(rpmvercmp, segments);
});

test('rpm orders epoch:version-release as rpm does', () => {
  assertVectors(compareRpm, evrs);
  assertVectors(compareRpm, ascending(['1.0~rc1', '1.0~rc1^git1', '1.0', '1.0^git1', '1.0.1', '1:0.1']));
});
