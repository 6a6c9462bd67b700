// Test helper: a store seeded through the Store API with records taken from real scans: image scans of the
// test images (`image scan --format json` with two databases, so the older scan differs), the posture of
// `scan examples/manifests`, and the alerts of `runtime analyze examples/audit/audit.log`.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from '../../cli/run-cli.js';
import { testImages } from '../../image/helpers/test-images.js';
import { REPO, realOutputs } from '../../scorecard/helpers/real-outputs.js';
import type { RealOutputs } from '../../scorecard/helpers/real-outputs.js';
import { openStore } from '../../../src/store/index.js';
import type { Store, StoredVuln } from '../../../src/store/index.js';
import type { Severity } from '../../../src/core/severity.js';

export const WEB_REPO = 'registry.example/shop/web';
export const RUNNER_REPO = 'registry.example/plugins/runner';
export const RUNNER_DIGEST = `sha256:${createHash('sha256').update('plugin-runner').digest('hex')}`;

interface VulnJson {
  subject: { manifestDigest: string };
  database: { builtAt: string };
  vulnerabilities: {
    id: string;
    aliases: string[];
    package: { name: string; version: string };
    fixedIn: string[];
    status: StoredVuln['status'];
    severity: StoredVuln['severity'];
    score?: number;
  }[];
}

/** The store's trimmed form of a real `image scan --format json` (what registry scan keeps). */
export function storedVulns(report: VulnJson): StoredVuln[] {
  return report.vulnerabilities.map((v) => ({
    id: v.id,
    aliases: v.aliases,
    package: `${v.package.name}@${v.package.version}`,
    installed: v.package.version,
    fixedIn: v.fixedIn,
    status: v.status,
    severity: v.severity,
    ...(v.score !== undefined ? { score: v.score } : {}),
  }));
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

export interface Seeded {
  outputs: RealOutputs;
  appDigest: string;
  debianDigest: string;
  /** The real scan of the app image (newest). */
  app: StoredVuln[];
  /** The app image scanned with the older database (synthetic records only). */
  appBefore: StoredVuln[];
  debian: StoredVuln[];
}

export async function seedStore(path: string): Promise<Seeded> {
  const outputs = await realOutputs();
  const older = join(outputs.dir, 'vulndb-older.sqlite');
  const update = await cli([
    'db',
    'update',
    '--db',
    older,
    '--source',
    join(REPO, 'test/fixtures/osv/synthetic'),
  ]);
  assert.equal(update.code, 0, update.stderr);
  const before = await cli(
    [
      'image',
      'scan',
      `oci:${testImages().layout}:app`,
      '--db',
      older,
      '--no-cache',
      '--no-record',
      '-f',
      'json',
    ],
    { cwd: REPO },
  );
  assert.ok(before.code <= 1, before.stderr);
  const appJson = readJson<VulnJson>(outputs.imageApp);
  const debianJson = readJson<VulnJson>(outputs.imageDebian);
  const beforeJson = JSON.parse(before.stdout) as VulnJson;
  const seeded: Seeded = {
    outputs,
    appDigest: appJson.subject.manifestDigest,
    debianDigest: debianJson.subject.manifestDigest,
    app: storedVulns(appJson),
    appBefore: storedVulns(beforeJson),
    debian: storedVulns(debianJson),
  };
  const store = await openStore(path);
  try {
    await fill(store, seeded);
  } finally {
    await store.close();
  }
  return seeded;
}

async function fill(store: Store, s: Seeded): Promise<void> {
  await store.putImageScan({
    digest: s.appDigest,
    repository: WEB_REPO,
    tags: ['1.0'],
    scannedAt: '2026-11-20T08:00:00Z',
    dbVersion: '2026-11-20T00:00:00Z',
    packages: 168,
    vulnerabilities: s.appBefore,
    origin: 'ledger',
  });
  await store.putImageScan({
    digest: s.appDigest,
    repository: WEB_REPO,
    tags: ['1.0'],
    scannedAt: '2026-11-28T08:00:00Z',
    dbVersion: '2026-11-28T00:00:00Z',
    packages: 168,
    vulnerabilities: s.app,
    origin: 'ledger',
  });
  await store.recordBuild({
    digest: s.appDigest,
    repository: WEB_REPO,
    pipeline: 'github:contoso/shop/.github/workflows/ci.yml@refs/heads/main',
    recordedAt: '2026-11-19T10:00:00Z',
  });
  await store.putImageScan({
    digest: s.debianDigest,
    repository: WEB_REPO,
    tags: ['1.1'],
    scannedAt: '2026-11-28T08:05:00Z',
    dbVersion: '2026-11-28T00:00:00Z',
    packages: 88,
    vulnerabilities: s.debian,
    origin: 'signed',
  });
  await store.putImageScan({
    digest: RUNNER_DIGEST,
    repository: RUNNER_REPO,
    tags: ['latest'],
    scannedAt: '2026-11-28T08:10:00Z',
    dbVersion: '2026-11-28T00:00:00Z',
    packages: 88,
    vulnerabilities: s.debian,
    origin: 'unknown',
  });
  // A fleet sharing the store: shop runs in one cluster, the plugin runner in another.
  await store.putWorkloads(
    [
      {
        cluster: '',
        namespace: 'shop',
        kind: 'Deployment',
        name: 'frontend',
        images: [{ container: 'web', image: `${WEB_REPO}:1.0`, digest: s.appDigest }],
        seenAt: '',
      },
      {
        cluster: '',
        namespace: 'shop',
        kind: 'StatefulSet',
        name: 'postgres',
        images: [{ container: 'postgres', image: 'docker.io/library/postgres:16' }],
        seenAt: '',
      },
    ],
    '2026-11-28T09:00:00Z',
    'prod-eu',
  );
  await store.putWorkloads(
    [
      {
        cluster: '',
        namespace: 'plugins',
        kind: 'Pod',
        name: 'plugin-runner',
        images: [{ container: 'plugin', image: `${RUNNER_REPO}:latest`, digest: RUNNER_DIGEST }],
        seenAt: '',
      },
    ],
    '2026-11-28T09:00:00Z',
    'edge',
  );
  // Posture: the real findings of `scan examples/manifests`; two earlier passes had more of them.
  const scan = readJson<{
    findings: { severity: Severity; target: { namespace?: string; kind: string; name: string } }[];
  }>(s.outputs.scan);
  const counts = new Map<string, { namespace: string; severity: Severity; count: number }>();
  for (const f of scan.findings) {
    const namespace = f.target.namespace ?? (f.target.kind === 'Namespace' ? f.target.name : '');
    const key = `${namespace}\u0000${f.severity}`;
    const entry = counts.get(key) ?? { namespace, severity: f.severity, count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  const now = [...counts.values()];
  for (const [takenAt, extra] of [
    ['2026-11-26T09:00:00Z', 3],
    ['2026-11-27T09:00:00Z', 1],
  ] as const)
    await store.putPostureSnapshot({
      takenAt,
      counts: now.map((c) => ({ ...c, count: c.count + extra })),
      findings: [],
    });
  await store.putPostureSnapshot({ takenAt: '2026-11-28T09:00:00Z', counts: now, findings: scan.findings });
  const runtime = readJson<{
    alerts: {
      rule: string;
      priority: string;
      time?: string;
      message: string;
      namespace?: string | null;
      user?: string;
    }[];
  }>(s.outputs.runtime);
  await store.putAlerts(
    runtime.alerts.map((a) => ({
      rule: a.rule,
      priority: a.priority,
      time: a.time ?? '2026-11-28T09:00:00Z',
      message: a.message,
      ...(a.namespace ? { namespace: a.namespace } : {}),
      ...(a.user ? { user: a.user } : {}),
    })),
  );
}
