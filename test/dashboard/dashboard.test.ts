// The dashboard's HTTP surface over a real SQLite store seeded with records from real scans: pages, the JSON
// API, filters, bounds and security headers. (Browser behaviour is in browser.test.ts.)
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RUNNER_DIGEST, RUNNER_REPO, WEB_REPO, seedStore } from './helpers/seed.js';
import type { Seeded } from './helpers/seed.js';
import { createDashboard } from '../../src/dashboard/index.js';
import { fixedClock } from '../../src/core/clock.js';
import { openStore } from '../../src/store/index.js';
import type { ImageScanRecord, Store, StoredVuln } from '../../src/store/index.js';

const work = mkdtempSync(join(tmpdir(), 'kubeward-dashboard-'));
let seeded: Seeded;
let store: Store;
let server: Server;
let base = '';

async function serve(s: Store): Promise<{ server: Server; base: string }> {
  const dashboard = createDashboard({ store: s, clock: fixedClock('2026-11-28T12:00:00Z') });
  const srv = createServer((req, res) => {
    void dashboard.handle(req, res).then((mine) => {
      if (!mine) {
        res.statusCode = 418;
        res.end('not the dashboard');
      }
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return { server: srv, base: `http://127.0.0.1:${(srv.address() as AddressInfo).port}` };
}

before(async () => {
  seeded = await seedStore(join(work, 'store.db'));
  store = await openStore(join(work, 'store.db'));
  ({ server, base } = await serve(store));
});
after(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await store.close();
  rmSync(work, { recursive: true, force: true });
});

async function api<T>(path: string): Promise<T> {
  const res = await fetch(`${base}/api/v1/${path}`);
  assert.equal(res.status, 200, await res.clone().text());
  assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
  return (await res.json()) as T;
}

interface ImagesAnswer {
  images: {
    repository: string;
    digest: string;
    namespaces: string[];
    matching: StoredVuln[];
    fixable: number;
  }[];
}

describe('mounting', () => {
  it('leaves paths that are not its own to the caller', async () => {
    for (const path of ['/healthz', '/metrics', '/api/v2/images', '/imagesx']) {
      const res = await fetch(`${base}${path}`);
      assert.equal(res.status, 418, path);
    }
  });

  it('every page and API answer carries the security headers', async () => {
    for (const path of [
      '/',
      '/findings',
      '/images',
      '/drift',
      '/origins',
      '/alerts',
      '/patch-plan',
      '/api/v1/scorecard',
    ]) {
      const res = await fetch(`${base}${path}`);
      assert.equal(res.status, 200, path);
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.doesNotMatch(csp, /unsafe-inline|script-src/);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('x-frame-options'), 'DENY');
      if (!path.startsWith('/api/')) assert.doesNotMatch(await res.text(), /<script/);
    }
  });
});

describe('API answers what the pages show', () => {
  it('scorecard: registry, workloads and runtime from the store; build not assessed', async () => {
    const { scorecard } = await api<{
      scorecard: { areas: { id: string; assessed: boolean; total: number }[] };
    }>('scorecard');
    const assessed = scorecard.areas.filter((a) => a.assessed).map((a) => a.id);
    assert.ok(['registry', 'workloads', 'runtime'].every((id) => assessed.includes(id)));
    assert.ok(!assessed.includes('build'));
    const html = await (await fetch(`${base}/`)).text();
    for (const a of scorecard.areas) assert.match(html, new RegExp(`id="area-${a.id}"`));
  });

  it('images: every latest scan; filters by namespace, severity and fixability', async () => {
    const all = await api<ImagesAnswer>('images');
    assert.deepEqual(
      all.images.map((i) => i.digest).sort(),
      [seeded.appDigest, seeded.debianDigest, RUNNER_DIGEST].sort(),
    );
    const plugins = await api<ImagesAnswer>('images?namespace=plugins');
    assert.deepEqual(
      plugins.images.map((i) => i.repository),
      [RUNNER_REPO],
    );
    const filtered = await api<ImagesAnswer & { filters: unknown }>('images?severity=high&fixable=1');
    assert.deepEqual(filtered.filters, { cluster: null, namespace: null, severity: 'high', fixable: true });
    const vulns = filtered.images.flatMap((i) => i.matching);
    assert.ok(vulns.length > 0);
    assert.ok(
      vulns.every((v) => (v.severity === 'high' || v.severity === 'critical') && v.fixedIn.length > 0),
    );
    const expected = seeded.app.filter(
      (v) => (v.severity === 'high' || v.severity === 'critical') && v.fixedIn.length > 0,
    ).length;
    assert.equal(filtered.images.find((i) => i.digest === seeded.appDigest)?.matching.length, expected);
  });

  it('drift: the newest scan of the app image against the one made with the older database', async () => {
    const { drift } = await api<{
      drift: { digest: string; newVulnerabilities: StoredVuln[]; disappeared: StoredVuln[] }[];
    }>('drift');
    assert.deepEqual(
      drift.map((d) => d.digest),
      [seeded.appDigest],
    );
    const beforeIds = new Set(seeded.appBefore.map((v) => `${v.id} ${v.package}`));
    const added = seeded.app.filter((v) => !beforeIds.has(`${v.id} ${v.package}`)).map((v) => v.id);
    assert.ok(added.length > 0);
    assert.deepEqual(drift[0]?.newVulnerabilities.map((v) => v.id).sort(), added.sort());
  });

  it('origins: unknown first, then unsigned with its build pipeline; signed images are left out', async () => {
    const { images } = await api<{ images: { digest: string; origin: string; pipeline: string | null }[] }>(
      'origins',
    );
    assert.deepEqual(
      images.map((i) => [i.digest, i.origin]),
      [
        [RUNNER_DIGEST, 'unknown'],
        [seeded.appDigest, 'ledger'],
      ],
    );
    assert.match(images[1]?.pipeline ?? '', /^github:contoso\/shop/);
  });

  it('alerts: filters by namespace and priority', async () => {
    const all = await api<{ alerts: { namespace?: string; priority: string }[] }>('alerts');
    assert.ok(all.alerts.length >= 5);
    const payments = await api<{ alerts: { namespace?: string }[] }>('alerts?namespace=payments');
    assert.ok(payments.alerts.length > 0 && payments.alerts.length < all.alerts.length);
    assert.ok(payments.alerts.every((a) => a.namespace === 'payments'));
    const high = await api<{ alerts: { priority: string }[] }>('alerts?severity=high');
    assert.equal(
      high.alerts.length,
      all.alerts.filter((a) => ['high', 'critical'].includes(a.priority)).length,
    );
  });

  it('patch plan: the frontend moves to the 1.1 digest that fixes its npm vulnerabilities; the runner rebuilds', async () => {
    interface Plan {
      cluster: string;
      namespace: string;
      name: string;
      strategy: string;
      checklist: string[];
      containers: {
        moveTo: { digest: string; fixes: number; tags: string[] } | null;
        upgrades: { package: string; fixedIn: string[] }[];
      }[];
    }
    const { plans } = await api<{ plans: Plan[] }>('patch-plan');
    assert.deepEqual(
      plans.map((p) => `${p.cluster}:${p.namespace}/${p.name}:${p.strategy}`),
      ['edge:plugins/plugin-runner:blue-green', 'prod-eu:shop/frontend:canary'],
    );
    const frontend = plans[1]?.containers[0];
    assert.equal(frontend?.moveTo?.digest, seeded.debianDigest);
    // What the 1.1 image lacks of the app image's fixable vulnerabilities is what moving fixes.
    const in11 = new Set(seeded.debian.map((v) => `${v.id} ${v.package}`));
    const fixes = seeded.app.filter((v) => v.fixedIn.length > 0 && !in11.has(`${v.id} ${v.package}`)).length;
    assert.ok(fixes > 0);
    assert.equal(frontend?.moveTo?.fixes, fixes);
    const runner = plans[0]?.containers[0];
    assert.equal(runner?.moveTo, null);
    assert.ok(runner?.upgrades.some((u) => u.package === 'bash' && u.fixedIn.length > 0));
    assert.ok(plans[1]?.checklist.some((s) => s.includes(seeded.debianDigest)));
    const shopOnly = await api<{ plans: Plan[] }>('patch-plan?namespace=shop');
    assert.deepEqual(
      shopOnly.plans.map((p) => p.name),
      ['frontend'],
    );
  });

  it('filters by cluster: the API, the page column and the form know the fleet', async () => {
    type Plan = { cluster: string; name: string };
    const edge = await api<{ filters: { cluster: string | null }; plans: Plan[] }>('patch-plan?cluster=edge');
    assert.equal(edge.filters.cluster, 'edge');
    assert.deepEqual(
      edge.plans.map((p) => `${p.cluster}:${p.name}`),
      ['edge:plugin-runner'],
    );
    assert.deepEqual((await api<{ plans: Plan[] }>('patch-plan?cluster=nowhere')).plans, []);
    const html = await (await fetch(`${base}/patch-plan?cluster=prod-eu`)).text();
    assert.match(html, /<th>Cluster<\/th>/);
    assert.match(html, /<span class="cluster">prod-eu<\/span>/);
    assert.doesNotMatch(html, /plugin-runner/);
    assert.match(
      html,
      /<option value="edge">edge<\/option><option value="prod-eu" selected>prod-eu<\/option>/,
    );
  });
});

describe('bounds', () => {
  const cases = [
    { path: '/api/v1/images?severity=urgent', status: 400, error: /^severity: / },
    { path: '/api/v1/images?namespace=Not_A_Namespace', status: 400, error: /^namespace: / },
    { path: '/api/v1/images?namespace=a&namespace=b', status: 400, error: /given more than once/ },
    { path: '/api/v1/images?fixable=maybe', status: 400, error: /^fixable: / },
    {
      path: `/api/v1/patch-plan?cluster=${'c'.repeat(254)}`,
      status: 400,
      error: /^cluster: must be at most 253/,
    },
    { path: '/api/v1/patch-plan?cluster=a%0Ab', status: 400, error: /^cluster: must not contain control/ },
    { path: `/api/v1/images?x=${'a'.repeat(1100)}`, status: 400, error: /query string longer/ },
    { path: `/api/v1/images?x=${'a'.repeat(2100)}`, status: 414, error: /request target longer/ },
    { path: '/api/v1/secrets', status: 404, error: /no such API/ },
  ];
  for (const c of cases)
    it(`${c.path.slice(0, 60)} -> ${c.status}`, async () => {
      const res = await fetch(`${base}${c.path}`);
      assert.equal(res.status, c.status);
      const body = (await res.json()) as { error: string };
      assert.match(body.error, c.error);
    });

  it('is read-only: POST is 405 with Allow', async () => {
    const res = await fetch(`${base}/api/v1/images`, { method: 'POST', body: '{}' });
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'GET, HEAD');
  });

  it('a bad filter on a page is an HTML 400 that names it, escaped', async () => {
    const res = await fetch(`${base}/images?namespace=%3Cscript%3E`);
    assert.equal(res.status, 400);
    const html = await res.text();
    assert.match(html, /namespace: not a Kubernetes namespace name/);
    assert.doesNotMatch(html, /<script/);
  });
});

describe('hostile records', () => {
  it('are escaped on every page', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeward-dashboard-hostile-'));
    const evil = await openStore(join(dir, 'store.db'));
    const payload = '<script>alert(1)</script>"><img src=x onerror=alert(1)>';
    await evil.putAlerts([
      { rule: payload, priority: 'high', time: '2026-11-28T10:00:00Z', message: payload, namespace: 'ns' },
    ]);
    await evil.putImageScan({
      digest: `sha256:${'e'.repeat(64)}`,
      repository: `registry.example/${payload}`,
      tags: [payload],
      scannedAt: '2026-11-28T10:00:00Z',
      dbVersion: payload,
      packages: 1,
      vulnerabilities: [
        {
          id: payload,
          aliases: [],
          package: payload,
          installed: '1',
          fixedIn: [payload],
          status: 'fixed',
          severity: 'high',
        },
      ],
      origin: 'unknown',
    });
    await evil.putWorkloads(
      [{ cluster: '', namespace: payload, kind: payload, name: payload, images: [], seenAt: '' }],
      '2026-11-28T10:00:00Z',
      payload,
    );
    const hostile = await serve(evil);
    try {
      for (const path of ['/', '/images', '/origins', '/alerts', '/drift', '/patch-plan']) {
        const html = await (await fetch(`${hostile.base}${path}`)).text();
        assert.doesNotMatch(html, /<script|<img/i, path);
      }
      assert.match(
        await (await fetch(`${hostile.base}/alerts`)).text(),
        /&lt;script&gt;alert\(1\)&lt;\/script&gt;/,
      );
    } finally {
      await new Promise<void>((r) => hostile.server.close(() => r()));
      await evil.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('fleet', () => {
  it("the scorecard counts each cluster's newest posture pass; the findings page filters by cluster", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeward-dashboard-fleet-'));
    const fleet = await openStore(join(dir, 'store.db'));
    const finding = (name: string) => ({
      ruleId: 'pss.restricted.run-as-non-root',
      severity: 'high',
      title: 'Runs as root',
      detail: 'runAsNonRoot is not set',
      target: { kind: 'Deployment', namespace: 'shop', name },
    });
    const pass = (cluster: string, takenAt: string, name: string) =>
      fleet.putPostureSnapshot({
        cluster,
        takenAt,
        counts: [{ namespace: 'shop', severity: 'high', count: 1 }],
        findings: [finding(name)],
      });
    await pass('prod-eu', '2026-11-28T08:00:00Z', 'eu-old');
    await pass('prod-eu', '2026-11-28T09:00:00Z', 'eu-web');
    // The other cluster's pass is the newest overall; the EU one must still count.
    await pass('prod-us', '2026-11-28T09:30:00Z', 'us-web');
    const { base: fleetBase, server } = await serve(fleet);
    try {
      const { scorecard } = (await (await fetch(`${fleetBase}/api/v1/scorecard`)).json()) as {
        scorecard: { areas: { findings?: { target: string; source: string }[] }[] };
      };
      const targets = scorecard.areas.flatMap((a) => a.findings ?? []).map((f) => `${f.target} ${f.source}`);
      assert.deepEqual(targets.sort(), [
        'Deployment/shop/eu-web store (posture prod-eu 2026-11-28T09:00:00Z)',
        'Deployment/shop/us-web store (posture prod-us 2026-11-28T09:30:00Z)',
      ]);
      const eu = (await (await fetch(`${fleetBase}/api/v1/findings?cluster=prod-eu`)).json()) as {
        history: { takenAt: string }[];
      };
      assert.deepEqual(
        eu.history.map((h) => h.takenAt),
        ['2026-11-28T08:00:00Z', '2026-11-28T09:00:00Z'],
      );
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
      await fleet.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('drift columns', () => {
  const vuln = (id: string, fixedIn: string[] = []): StoredVuln => ({
    id,
    aliases: [],
    package: 'openssl@3.0.1',
    installed: '3.0.1',
    fixedIn,
    status: fixedIn.length > 0 ? 'fixed' : 'not-fixed',
    severity: 'high',
  });
  const scan = (scannedAt: string, vulnerabilities: StoredVuln[]): ImageScanRecord => ({
    digest: `sha256:${'a'.repeat(64)}`,
    repository: WEB_REPO,
    tags: ['2.0'],
    scannedAt,
    dbVersion: scannedAt,
    packages: 1,
    vulnerabilities,
  });

  it('tells new, newly fixable and disappeared apart, and honours fixable-only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeward-dashboard-drift-'));
    const s = await openStore(join(dir, 'store.db'));
    await s.putImageScan(scan('2026-11-01T00:00:00Z', [vuln('CVE-1'), vuln('CVE-2'), vuln('CVE-4')]));
    await s.putImageScan(
      scan('2026-11-02T00:00:00Z', [vuln('CVE-2', ['3.0.2']), vuln('CVE-3'), vuln('CVE-4')]),
    );
    const running = await serve(s);
    try {
      type Drift = {
        drift: { newVulnerabilities: StoredVuln[]; fixAvailable: StoredVuln[]; disappeared: StoredVuln[] }[];
      };
      const ids = (d: Drift) =>
        d.drift.map((r) =>
          [r.newVulnerabilities, r.fixAvailable, r.disappeared].map((l) => l.map((v) => v.id)),
        );
      const all = (await (await fetch(`${running.base}/api/v1/drift`)).json()) as Drift;
      assert.deepEqual(ids(all), [[['CVE-3'], ['CVE-2'], ['CVE-1']]]);
      const fixable = (await (await fetch(`${running.base}/api/v1/drift?fixable=1`)).json()) as Drift;
      assert.deepEqual(ids(fixable), [[[], ['CVE-2'], ['CVE-1']]]);
    } finally {
      await new Promise<void>((r) => running.server.close(() => r()));
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
