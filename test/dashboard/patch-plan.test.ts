// The patch plan as a pure function, over vulnerabilities from the real scans of the test images.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { realOutputs } from '../scorecard/helpers/real-outputs.js';
import { storedVulns } from './helpers/seed.js';
import { buildPatchPlan, splitImage } from '../../src/dashboard/patch-plan.js';
import type { ImageScanRecord, StoredVuln, WorkloadRecord } from '../../src/store/index.js';

let app: StoredVuln[];
let debian: StoredVuln[];

before(async () => {
  const out = await realOutputs();
  const read = (file: string) =>
    storedVulns(JSON.parse(readFileSync(file, 'utf8')) as Parameters<typeof storedVulns>[0]);
  app = read(out.imageApp);
  debian = read(out.imageDebian);
});

const digest = (c: string): string => `sha256:${c.repeat(64)}`;
const scan = (
  d: string,
  tags: string[],
  vulnerabilities: StoredVuln[],
  scannedAt = '2026-11-28T00:00:00Z',
): ImageScanRecord => ({
  digest: d,
  repository: 'localhost:5000/shop/web',
  tags,
  scannedAt,
  dbVersion: 'x',
  packages: 1,
  vulnerabilities,
});
const workload = (kind: string, image: string, d?: string): WorkloadRecord => ({
  cluster: 'default',
  namespace: 'shop',
  kind,
  name: 'web',
  images: [{ container: 'web', image, ...(d ? { digest: d } : {}) }],
  seenAt: '2026-11-28T00:00:00Z',
});

describe('patch plan', () => {
  it('splits references with a registry port', () => {
    assert.deepEqual(splitImage('localhost:5000/shop/web:1.0'), {
      repository: 'localhost:5000/shop/web',
      tag: '1.0',
    });
    assert.deepEqual(splitImage('localhost:5000/shop/web'), { repository: 'localhost:5000/shop/web' });
    assert.deepEqual(splitImage('localhost:5000/shop/web:1.0@sha256:abc'), {
      repository: 'localhost:5000/shop/web',
      tag: '1.0',
    });
  });

  it('finds the running image by tag when the pod status gave no digest', () => {
    const scans = [scan(digest('a'), ['1.0'], app), scan(digest('b'), ['1.1'], debian)];
    const [plan] = buildPatchPlan([workload('StatefulSet', 'localhost:5000/shop/web:1.0')], scans, {});
    assert.equal(plan?.containers[0]?.digest, digest('a'));
    assert.equal(plan?.containers[0]?.moveTo?.digest, digest('b'));
    assert.equal(plan?.strategy, 'blue-green');
  });

  it('prefers the candidate that fixes most, then introduces fewest, then was scanned last', () => {
    const fixable = app.filter((v) => v.fixedIn.length > 0);
    const npm = new Set(fixable.filter((v) => !debian.some((d) => d.id === v.id && d.package === v.package)));
    assert.ok(npm.size > 0);
    const extra: StoredVuln = { ...app[0]!, id: 'GHSA-extra', package: 'extra@1.0' };
    const scans = [
      scan(digest('a'), ['1.0'], app),
      scan(digest('b'), ['1.1'], [...debian, extra], '2026-11-28T02:00:00Z'), // fixes as many, introduces one
      scan(digest('c'), ['1.2'], debian, '2026-11-28T01:00:00Z'),
      scan(digest('d'), ['1.3'], debian, '2026-11-28T00:30:00Z'), // same as c, scanned earlier
    ];
    const [plan] = buildPatchPlan(
      [workload('Deployment', 'localhost:5000/shop/web:1.0', digest('a'))],
      scans,
      {},
    );
    assert.equal(plan?.strategy, 'canary');
    assert.equal(plan?.containers[0]?.moveTo?.digest, digest('c'));
    assert.equal(plan?.containers[0]?.moveTo?.fixes, npm.size);
    assert.equal(plan?.containers[0]?.moveTo?.introduces, 0);
  });

  it('falls back to package upgrades, and the severity filter drops what is below it', () => {
    const scans = [scan(digest('a'), ['1.0'], app)];
    const [plan] = buildPatchPlan([workload('Deployment', 'x', digest('a'))], scans, {});
    assert.equal(plan?.containers[0]?.moveTo, null);
    const upgrades = plan?.containers[0]?.upgrades ?? [];
    const expected = [
      ...new Set(
        app.filter((v) => v.fixedIn.length > 0).map((v) => v.package.slice(0, v.package.lastIndexOf('@'))),
      ),
    ].sort();
    assert.deepEqual(
      upgrades.map((u) => u.package),
      expected,
    );
    assert.ok(upgrades.every((u) => u.fixedIn.length > 0));
    const critical = buildPatchPlan([workload('Deployment', 'x', digest('a'))], scans, {
      severity: 'critical',
    });
    const criticalFixable = app.filter((v) => v.severity === 'critical' && v.fixedIn.length > 0);
    assert.ok(criticalFixable.length > 0 && criticalFixable.length < app.length);
    assert.deepEqual(
      critical[0]?.containers[0]?.fixable.map((v) => v.id).sort(),
      criticalFixable.map((v) => v.id).sort(),
    );
  });
});
