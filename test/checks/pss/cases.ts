// Test helper: runs table-driven PSS cases through evaluatePodSecurity, one subtest per case and version.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonObject } from '../../../src/k8s/object.js';
import { evaluatePodSecurity, parsePssVersion } from '../../../src/checks/pss/index.js';
import type { PssViolation } from '../../../src/checks/pss/index.js';
import type { FixtureLevel } from './pods.js';

export interface Case {
  name: string;
  /** The check the case is about (its id). */
  check: string;
  level: FixtureLevel;
  /** Policy versions (`v1.N` or `latest`) at which the expectation holds. */
  versions: readonly string[];
  want: 'pass' | 'fail';
  spec: JsonObject;
  annotations?: Record<string, string>;
  /** For `fail`: ids of every check expected to fire, in evaluation order (default: just `check`). */
  fires?: readonly string[];
  /** For `fail`: the exact fields the violation of `check` (or of the first check in `fires`) lists. */
  fields?: readonly string[];
  /** For `fail`: a substring of the violation's detail. */
  detail?: string;
}

export function evaluateCase(c: Case, version: string): PssViolation[] {
  const pod = { podMeta: { labels: {}, annotations: c.annotations ?? {} }, spec: c.spec };
  return evaluatePodSecurity(pod, c.level, parsePssVersion(version));
}

/** Registers one describe block per check and one test per case and version. */
export function runCases(cases: readonly Case[]): void {
  const byCheck = new Map<string, Case[]>();
  for (const c of cases) byCheck.set(c.check, [...(byCheck.get(c.check) ?? []), c]);
  for (const [check, list] of byCheck) {
    describe(check, () => {
      for (const c of list) {
        for (const version of c.versions) {
          test(`${c.want} at ${c.level} ${version}: ${c.name}`, () => {
            const violations = evaluateCase(c, version);
            const ids = violations.map((v) => v.check.id);
            if (c.want === 'pass') {
              assert.deepEqual(violations, [], `expected no violations, got ${JSON.stringify(violations)}`);
              return;
            }
            assert.deepEqual(ids, [...(c.fires ?? [c.check])]);
            // the check under test, or the check that replaces it at this level (an override)
            const own = violations.find((v) => v.check.id === c.check) ?? violations[0];
            assert.ok(own, `expected a violation of ${c.check}`);
            assert.ok(own.reason.length > 0 && own.detail.length > 0, 'violation needs reason and detail');
            assert.ok(own.fields.length > 0, 'violation needs fields');
            if (c.fields) assert.deepEqual(own.fields, [...c.fields]);
            if (c.detail) assert.ok(own.detail.includes(c.detail), `detail ${JSON.stringify(own.detail)}`);
          });
        }
      }
    });
  }
}
