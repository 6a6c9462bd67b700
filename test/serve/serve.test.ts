import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/core/clock.js';
import { RemoteError } from '../../src/core/errors.js';
import { connectKubeClient } from '../../src/k8s/live/watch-transport.js';
import type { ServeController, ServeOptions } from '../../src/serve/serve.js';
import { startServe } from '../../src/serve/serve.js';
import { startServeHttp } from '../../src/serve/http.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/model.js';
import type { RunningRegistry } from '../image/helpers/registry.js';
import type { FakeApiServer } from '../helpers/fake-api-server.js';
import {
  OTHER_VULN,
  PODS,
  TINY_VULN,
  buildImages,
  runningPod,
  startFakeCluster,
  startTestRegistry,
  writeDb,
} from './fixtures.js';

const work = mkdtempSync(join(tmpdir(), 'kw-serve-'));
let registry: RunningRegistry;
let images: Awaited<ReturnType<typeof buildImages>>;
let api: FakeApiServer;
let kubeconfig: string;
const dbPath = join(work, 'vulndb.sqlite');
let v1 = '';

before(async () => {
  registry = await startTestRegistry(work);
  images = await buildImages(work, registry);
  ({ api, kubeconfig } = await startFakeCluster(work));
  v1 = await writeDb(work, dbPath, 1, '2026-12-01T00:00:00Z');
});
// Stopped even when an assertion failed, so a failure is reported instead of hanging the file.
const running: ServeController[] = [];
after(async () => {
  for (const controller of running) await controller.stop();
  await api?.close();
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

async function serve(store: Store, extra: Partial<ServeOptions> = {}): Promise<ServeController> {
  const client = await connectKubeClient({ kubeconfig, env: {} });
  const controller = startServe({
    client,
    store,
    clock: systemClock,
    toolVersion: 'test',
    dbPath,
    intervalMs: 3_600_000,
    debounceMs: 30,
    registry: { dockerConfig: false },
    insecureRegistries: [registry.host],
    cachePath: join(work, 'layer-cache.db'),
    ...extra,
  });
  running.push(controller);
  return controller;
}

async function until(what: string, condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('serve: scans each running digest once, names workloads, keeps posture; pod changes and DB updates re-scan; restarts rescan nothing', async () => {
  const store = await openStore(join(work, 'store.db'));
  const rs = { kind: 'ReplicaSet', name: 'web-5d9', apiVersion: 'apps/v1' };
  api.cluster.upsert('/api/v1/namespaces', {
    metadata: { name: 'shop', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } },
  });
  api.cluster.upsert('/apis/apps/v1/deployments', {
    metadata: { namespace: 'shop', name: 'web', uid: 'uid-web' },
    spec: { template: { spec: { containers: [{ name: 'app', image: images.a.tagged }] } } },
  });
  api.cluster.upsert('/apis/apps/v1/replicasets', {
    metadata: {
      namespace: 'shop',
      name: 'web-5d9',
      uid: 'uid-web-5d9',
      ownerReferences: [
        { kind: 'Deployment', name: 'web', apiVersion: 'apps/v1', uid: 'uid-web', controller: true },
      ],
    },
    spec: { template: { spec: { containers: [{ name: 'app', image: images.a.tagged }] } } },
  });
  api.cluster.upsert(PODS, runningPod('shop', 'web-5d9-x1', images.a, rs));
  api.cluster.upsert(PODS, runningPod('shop', 'web-5d9-x2', images.a, rs)); // same digest: one scan
  api.cluster.upsert(
    PODS,
    runningPod('shop', 'nightly-1', images.b, { kind: 'Job', name: 'nightly', apiVersion: 'batch/v1' }),
  );

  // Another cluster of the fleet already wrote its workloads to the shared store: this serve must keep them.
  const otherCluster = {
    cluster: '',
    namespace: 'shop',
    kind: 'Deployment',
    name: 'web',
    images: [{ container: 'app', image: 'elsewhere:1' }],
    seenAt: '',
  };
  await store.putWorkloads([otherCluster], '2026-12-01T00:00:00Z', 'prod-us');

  const first = await serve(store, { clusterName: 'prod-eu' });
  await first.settled();
  const a = await store.imageScans(images.a.digest, 10);
  const b = await store.imageScans(images.b.digest, 10);
  assert.equal(a.length, 1);
  assert.equal(b.length, 1);
  assert.equal(a[0]?.dbVersion, v1);
  assert.equal(a[0]?.repository, images.a.repository);
  assert.deepEqual(a[0]?.tags, ['1']);
  assert.deepEqual(
    a[0]?.vulnerabilities.map((v) => `${v.id} ${v.package} fixed in ${v.fixedIn.join(',')}`),
    [`${TINY_VULN} tiny@1.0-1 fixed in 1.0-2`],
  );
  assert.equal(b[0]?.vulnerabilities[0]?.id, TINY_VULN, 'b carries the same base layer');
  const workloads = await store.workloads('prod-eu');
  assert.deepEqual(
    workloads
      .map(
        (w) => `${w.cluster}:${w.namespace}/${w.kind}/${w.name} ${w.images.map((i) => i.digest).join(',')}`,
      )
      .sort(),
    [`prod-eu:shop/Deployment/web ${images.a.digest}`, `prod-eu:shop/Job/nightly ${images.b.digest}`],
  );
  assert.deepEqual(
    (await store.workloads('prod-us')).map((w) => `${w.cluster}:${w.name}@${w.seenAt}`),
    ['prod-us:web@2026-12-01T00:00:00Z'],
    "the other cluster's workloads survive this cluster's pass",
  );
  const [posture] = await store.postureHistory(1);
  assert.ok(posture, 'a posture snapshot was stored');
  assert.equal(posture.cluster, 'prod-eu');
  assert.ok(
    posture.counts.some((c) => c.namespace === 'shop' && c.count > 0),
    `posture counts: ${JSON.stringify(posture.counts)}`,
  );
  assert.equal(first.status().scans.scanned, 2);

  // A rollout: the pod now runs c. Only c is scanned; a keeps its single record; posture runs again.
  const snapshotsBefore = (await store.postureHistory(100)).length;
  api.cluster.upsert(PODS, runningPod('shop', 'web-5d9-x1', images.c, rs));
  api.cluster.remove(PODS, 'shop', 'web-5d9-x2');
  await first.settled();
  await until('c scanned', async () => (await store.imageScans(images.c.digest, 10)).length === 1);
  assert.equal((await store.imageScans(images.a.digest, 10)).length, 1);
  assert.deepEqual((await store.imageScans(images.c.digest, 1))[0]?.vulnerabilities, []);
  assert.equal(first.status().scans.scanned, 3);
  assert.ok(
    (await store.postureHistory(100)).length > snapshotsBefore,
    'the change re-ran the posture checks',
  );
  await first.stop();

  // Restart: what the store holds for the current database is not scanned again.
  const second = await serve(store, { dbCheckIntervalMs: 50 });
  await second.settled();
  assert.equal(second.status().scans.scanned, 0);
  assert.ok(second.status().scans.skipped >= 2, 'both running digests were looked up and skipped');
  assert.equal((await store.imageScans(images.b.digest, 10)).length, 1);
  assert.equal((await store.imageScans(images.c.digest, 10)).length, 1);

  // The vulnerability database is updated (a new build): every running digest is scanned again with it.
  const v2 = await writeDb(work, dbPath, 2, '2026-12-02T00:00:00Z');
  await until('drift re-scan', async () => {
    const [c] = await store.imageScans(images.c.digest, 1);
    const [bb] = await store.imageScans(images.b.digest, 1);
    return c?.dbVersion === v2 && bb?.dbVersion === v2;
  });
  await second.settled();
  const c = await store.imageScans(images.c.digest, 10);
  assert.deepEqual(
    c.map((r) => `${r.dbVersion} ${r.vulnerabilities.map((v) => v.id).join(',')}`),
    [`${v2} ${OTHER_VULN}`, `${v1} `],
    'newest first: the new advisory appears without the image changing',
  );
  assert.equal((await store.imageScans(images.b.digest, 10)).length, 2);
  assert.equal((await store.imageScans(images.a.digest, 10)).length, 1, 'a no longer runs: not re-scanned');

  // Health and metrics over HTTP.
  const http = await startServeHttp({ host: '127.0.0.1', port: 0, status: second.status });
  try {
    assert.equal((await fetch(`${http.url}/healthz`)).status, 200);
    assert.equal((await fetch(`${http.url}/readyz`)).status, 200);
    const metrics = await (await fetch(`${http.url}/metrics`)).text();
    assert.match(metrics, /^kubeward_serve_image_scans_total\{result="scanned"\} 2$/m);
    assert.match(metrics, /^kubeward_serve_leader 1$/m);
    assert.equal((await fetch(`${http.url}/nope`)).status, 404);
  } finally {
    await http.close();
  }
  await second.stop();
  await store.close();
});

test('serve: readiness waits for every resource to be listed; an unreachable API keeps it not ready', async () => {
  const store = await openStore(join(work, 'store-ready.db'));
  const client = await connectKubeClient({ kubeconfig, env: {} });
  const broken = {
    ...client,
    request: () => Promise.reject(new Error('connection refused')),
  } as typeof client;
  const controller = startServe({
    client: broken,
    store,
    clock: systemClock,
    toolVersion: 'test',
    dbPath,
    intervalMs: 3_600_000,
    registry: { dockerConfig: false },
    cachePath: false,
    watch: { backoff: { initialMs: 5, maxMs: 20 } },
  });
  const http = await startServeHttp({ host: '127.0.0.1', port: 0, status: controller.status });
  await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal((await fetch(`${http.url}/readyz`)).status, 503);
  assert.equal((await fetch(`${http.url}/healthz`)).status, 200);
  assert.equal(controller.status().passes, 0);
  await http.close();
  await controller.stop();
  await store.close();
});

test('serve: the built-in database update runs on its interval and its new build re-scans what runs', async () => {
  const store = await openStore(join(work, 'store-update.db'));
  let updates = 0;
  let v3 = '';
  const controller = await serve(store, {
    dbCheckIntervalMs: 3_600_000, // only the update itself can announce the new build
    dbUpdate: {
      intervalMs: 100,
      run: async () => {
        updates += 1;
        if (updates === 1) v3 = await writeDb(work, dbPath, 2, '2026-12-03T00:00:00Z');
      },
    },
  });
  await controller.settled();
  await until('the update and the re-scan', async () => {
    const [c] = await store.imageScans(images.c.digest, 1);
    return v3 !== '' && c?.dbVersion === v3;
  });
  const [c] = await store.imageScans(images.c.digest, 1);
  assert.deepEqual(
    c?.vulnerabilities.map((v) => v.id),
    [OTHER_VULN],
  );
  assert.equal(controller.status().dbVersion, v3);
});

test('serve: an origin lookup that fails keeps the scan with origin unset (not "unknown"), and says why', async () => {
  const store = await openStore(join(work, 'store-origin-fail.db'));
  const logs: string[] = [];
  let asked = 0;
  const controller = await serve(store, {
    origin: async (image) => {
      asked += 1;
      throw new RemoteError(`${image.repository}: signature lookup refused (HTTP 503)`);
    },
    onLog: (m) => logs.push(m),
  });
  await controller.settled();
  const scans = await store.latestImageScans();
  assert.ok(scans.length >= 2, JSON.stringify(scans));
  assert.equal(asked, scans.length);
  for (const scan of scans) {
    assert.equal(scan.error, undefined);
    assert.equal(scan.origin, undefined);
  }
  assert.ok(
    scans.some((s) => s.vulnerabilities.length > 0),
    'the vulnerabilities are kept',
  );
  assert.ok(
    logs.some((m) => /origin of .* not established: .*HTTP 503/.test(m)),
    logs.join('\n'),
  );
  await controller.stop();
  await store.close();
});
