// Every RBAC risk check has pass/ and fail/ fixtures under test/fixtures/checks/<id>/; pass fixtures
// give no violation, fail fixtures at least one, and no fixture folder lacks a check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadManifests } from '../../../src/k8s/load-manifests.js';
import { buildManifestSet } from '../../../src/k8s/manifest-set.js';
import type { CheckContext } from '../../../src/checks/check.js';
import { RBAC_CHECKS } from '../../../src/checks/rbac/index.js';
import { createRegistry } from '../../../src/core/registry.js';

const ROOT = join(import.meta.dirname, '..', '..', 'fixtures', 'checks');
const ctx: CheckContext = {
  settings: { allowedRegistries: [], untrustedNamespaces: [], sandboxRuntimeClasses: [] },
};

async function evaluate(checkId: string, file: string) {
  const check = RBAC_CHECKS.find((c) => c.id === checkId);
  assert.ok(check, checkId);
  const loaded = await loadManifests([file]);
  assert.deepEqual(loaded.problems, [], file);
  return check.evaluate(buildManifestSet(loaded.objects), ctx);
}

test('RBAC checks have unique rbac.* ids and docs', () => {
  createRegistry('rbac check', RBAC_CHECKS, (c) => c.id);
  for (const c of RBAC_CHECKS) {
    assert.match(c.id, /^rbac\.[a-z-]+$/);
    assert.equal(c.scope, 'set');
    assert.ok(c.references.length > 0, c.id);
  }
});

test('fixture folders match the checks exactly', () => {
  const folders = readdirSync(ROOT)
    .filter((f) => f.startsWith('rbac.'))
    .sort();
  assert.deepEqual(folders, RBAC_CHECKS.map((c) => c.id).sort());
  for (const folder of folders)
    assert.deepEqual(readdirSync(join(ROOT, folder)).sort(), ['fail', 'pass'], folder);
});

for (const check of RBAC_CHECKS) {
  for (const kind of ['pass', 'fail'] as const) {
    const dir = join(ROOT, check.id, kind);
    let files: string[] = [];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    } catch {
      // reported by the folder test
    }
    for (const file of files) {
      test(`${check.id} ${kind}: ${file}`, async () => {
        const violations = await evaluate(check.id, join(dir, file));
        if (kind === 'pass')
          assert.deepEqual(
            violations.map((v) => v.message),
            [],
          );
        else {
          assert.ok(violations.length > 0, 'expected a violation');
          for (const v of violations) assert.ok(v.object && v.message, JSON.stringify(v.message));
        }
      });
    }
  }
}

test('create-workloads shows the escalation chain to the service account and its rights', async () => {
  const violations = await evaluate(
    'rbac.create-workloads',
    join(ROOT, 'rbac.create-workloads', 'fail', 'deployer-to-secret-reader-sa.yaml'),
  );
  assert.equal(violations.length, 1);
  assert.match(
    violations[0]?.message ?? '',
    /User\/alice -> can create deployments in team-a -> ServiceAccount team-a\/backup -> can read secrets cluster-wide/,
  );
  assert.equal(violations[0]?.field, 'subjects[0]');
});

test('cluster-admin-binding points at the binding subject', async () => {
  const violations = await evaluate(
    'rbac.cluster-admin-binding',
    join(ROOT, 'rbac.cluster-admin-binding', 'fail', 'all-users-are-admins.yaml'),
  );
  assert.equal(violations[0]?.object.kind, 'ClusterRoleBinding');
  assert.match(violations[0]?.message ?? '', /Group\/system:authenticated/);
});
