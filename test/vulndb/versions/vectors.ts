import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Ordering } from '../../../src/vulndb/versions/comparator.js';

/** `[a, op, b]`: `a` is older than (`<`), the same as (`=`) or newer than (`>`) `b`. */
export type Op = '<' | '=' | '>';
export type Vector = readonly [a: string, op: Op, b: string];
export type Compare = (a: string, b: string) => Ordering;

const WANT: Record<Op, Ordering> = { '<': -1, '=': 0, '>': 1 };

/** Checks each vector both ways (antisymmetry) and each side against itself; reports every failure at once. */
export function assertVectors(compare: Compare, vectors: readonly Vector[]): void {
  const failures: string[] = [];
  for (const [a, op, b] of vectors) {
    const want = WANT[op];
    const got = compare(a, b);
    const back = compare(b, a);
    if (got !== want) failures.push(`${a} ${op} ${b}: compare(a, b) = ${got}`);
    if (back !== -want) failures.push(`${a} ${op} ${b}: compare(b, a) = ${back}, not the opposite`);
    for (const v of [a, b]) if (compare(v, v) !== 0) failures.push(`${v}: not equal to itself`);
  }
  assert.deepEqual(failures, []);
}

/** Every earlier version of the list is older than every later one (so the order is also transitive here). */
export function ascending(versions: readonly string[]): Vector[] {
  const out: Vector[] = [];
  for (let i = 0; i < versions.length; i++) {
    for (let j = i + 1; j < versions.length; j++)
      out.push([versions[i] as string, '<', versions[j] as string]);
  }
  return out;
}

/** Every pair of the list compares equal. */
export function allEqual(versions: readonly string[]): Vector[] {
  const out: Vector[] = [];
  for (let i = 0; i < versions.length; i++) {
    for (let j = i + 1; j < versions.length; j++)
      out.push([versions[i] as string, '=', versions[j] as string]);
  }
  return out;
}

/** Reads a `<a> <op> <b>` vector file; `#` and `//` lines are comments, blank lines separate groups. */
export function readVectorFile(path: string): Vector[] {
  const out: Vector[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim() || line.startsWith('#') || line.startsWith('//')) continue;
    const m = /^(.*) ([<>=]) (.*)$/.exec(line);
    assert.ok(m, `malformed vector line in ${path}: ${line}`);
    out.push([m[1] as string, m[2] as Op, m[3] as string]);
  }
  return out;
}
