import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditCluster } from '../../src/scan/cluster-audit.js';
import { fixedClock } from '../../src/core/clock.js';
import { BaseError } from '../../src/core/errors.js';

const clock = fixedClock('2026-11-28T12:00:00Z');
const F = join(import.meta.dirname, '..', 'fixtures');

test('cluster audit: several inputs make one report, rules limited to the areas audited', async () => {
  const report = await auditCluster({
    aks: join(F, 'aks', 'weak-az.json'),
    kubelet: join(F, 'node-config', 'kubelet-weak.yaml'),
    clock,
  });
  assert.equal(report.inputs.length, 2);
  assert.ok(report.rules.every((r) => r.id.startsWith('aks.') || r.id.startsWith('node.')));
  assert.equal(report.generatedAt, '2026-11-28T12:00:00.000Z');
});

test('cluster audit: errors carry codes', async () => {
  await assert.rejects(auditCluster({ clock }), (e: unknown) => e instanceof BaseError && e.code === 'USAGE');
  const dir = await mkdtemp(join(tmpdir(), 'kw-audit-'));
  const other = join(dir, 'other.json');
  await writeFile(other, '{"kind": "ConfigMap"}');
  await assert.rejects(
    auditCluster({ aks: other, clock }),
    (e: unknown) => e instanceof BaseError && e.code === 'INPUT',
  );
  await assert.rejects(
    auditCluster({ kubelet: other, clock }),
    (e: unknown) => e instanceof BaseError && e.code === 'INPUT',
  );
  await assert.rejects(
    auditCluster({ apiserver: join(dir, 'missing.yaml'), clock }),
    (e: unknown) => e instanceof BaseError && e.code === 'INPUT',
  );
});
