// Meta-test that keeps the check registry honest: every registered check has a stable id, docs, and pass/fail
// fixtures that behave as their folder says; every fixture folder belongs to a registered check.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Check, CheckContext, Violation } from '../../src/checks/check.js';
import { CHECKS } from '../../src/checks/index.js';
import type { K8sObject } from '../../src/k8s/object.js';
import { buildManifestSet } from '../../src/k8s/manifest-set.js';
import { extractPod } from '../../src/k8s/pod-spec.js';
import { objectsFromYaml } from '../helpers/k8s.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/checks/', import.meta.url));

/** The settings every fixture is written against. */
const FIXTURE_CONTEXT: CheckContext = {
  settings: {
    allowedRegistries: ['myregistry.azurecr.io', 'mcr.microsoft.com'],
    untrustedNamespaces: ['tenant-*'],
    sandboxRuntimeClasses: ['kata-vm-isolation'],
  },
};

const CATEGORY_BY_PREFIX: Record<string, string> = {
  workload: 'workloads',
  network: 'network',
  secrets: 'secrets',
  tenancy: 'isolation',
};

/** `area.kebab-name`: ids are public (configs, exceptions, SARIF), so they stay plain and predictable. */
const STABLE_ID = /^[a-z]+\.[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Every credential value in the fixtures contains "canary" (base64: Y2FuYXJ5); no message may repeat it. */
const CANARY = /canary|Y2FuYXJ5/i;

function evaluateCheck(check: Check, objects: readonly K8sObject[], ctx: CheckContext): Violation[] {
  switch (check.scope) {
    case 'pod':
      return objects.flatMap((object) => {
        const pod = extractPod(object);
        return pod ? check.evaluate(pod, ctx) : [];
      });
    case 'object':
      return objects.filter((o) => check.kinds.includes(o.kind)).flatMap((o) => check.evaluate(o, ctx));
    case 'set':
      return check.evaluate(buildManifestSet(objects), ctx);
  }
}

function fixtureFiles(id: string, outcome: 'pass' | 'fail'): string[] {
  const dir = join(FIXTURES, id, outcome);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .map((name) => join(dir, name));
}

function evaluateFixture(check: Check, file: string): Violation[] {
  const objects = objectsFromYaml(readFileSync(file, 'utf8'), file);
  assert.ok(objects.length > 0, `${file} holds no Kubernetes objects`);
  return evaluateCheck(check, objects, FIXTURE_CONTEXT);
}

function assertWellFormed(check: Check, file: string, violations: readonly Violation[]): void {
  for (const v of violations) {
    assert.ok(v.message.trim() !== '' && !v.message.includes('\n'), `${file}: message must be one line`);
    assert.doesNotMatch(v.message, CANARY, `${file}: message leaks a secret value`);
    if (v.field !== undefined)
      assert.match(v.field, /^[A-Za-z]/, `${file}: field must be a path from the root`);
    if (check.scope === 'set') assert.ok(v.object, `${file}: set check violations must name their object`);
  }
}

describe('check registry', () => {
  it('has unique ids', () => {
    const ids = CHECKS.items.map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual(CHECKS.keys(), ids);
  });

  it('has only fixture folders of registered checks, holding only pass/ and fail/', () => {
    for (const entry of readdirSync(FIXTURES)) {
      assert.ok(CHECKS.get(entry), `fixture folder ${entry} has no registered check`);
      assert.ok(statSync(join(FIXTURES, entry)).isDirectory(), `${entry} is not a folder`);
      assert.deepEqual(
        readdirSync(join(FIXTURES, entry)).sort(),
        ['fail', 'pass'],
        `${entry} has extra entries`,
      );
    }
  });
});

for (const check of CHECKS.items) {
  describe(check.id, () => {
    it('has a stable id and a category matching its area', () => {
      assert.match(check.id, STABLE_ID);
      const expected = CATEGORY_BY_PREFIX[check.id.split('.')[0] ?? ''];
      if (expected !== undefined) assert.equal(check.category, expected);
    });

    it('documents why it matters and how to fix it', () => {
      for (const text of [check.title, check.description, check.remediation])
        assert.ok(text.trim().length > 10);
      assert.ok(check.references.length > 0);
      for (const ref of check.references) assert.match(ref, /^https:\/\/[a-z0-9.-]+\//);
    });

    it('has pass and fail fixtures', () => {
      for (const outcome of ['pass', 'fail'] as const) {
        const files = fixtureFiles(check.id, outcome);
        assert.ok(files.length > 0, `test/fixtures/checks/${check.id}/${outcome}/ needs at least one file`);
        for (const file of files) assert.match(file, /\.yaml$/, `${file}: fixtures are .yaml files`);
      }
    });

    for (const file of fixtureFiles(check.id, 'pass')) {
      it(`passes ${file.slice(FIXTURES.length)}`, () => {
        const violations = evaluateFixture(check, file);
        assert.deepEqual(
          violations.map((v) => v.message),
          [],
        );
      });
    }

    for (const file of fixtureFiles(check.id, 'fail')) {
      it(`fails ${file.slice(FIXTURES.length)}`, () => {
        const violations = evaluateFixture(check, file);
        assert.ok(violations.length > 0, 'expected at least one violation');
        assertWellFormed(check, file, violations);
      });
    }
  });
}
