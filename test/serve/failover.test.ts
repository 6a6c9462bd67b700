// Two `serve` replicas on one PostgreSQL store with a Lease: the leader is a real `kubeward serve` process,
// SIGKILLed while its scan is held mid-blob by a proxy in front of the registry; the other replica takes over
// once the lease expires and scans what was lost. Nothing half-done is ever stored.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/core/clock.js';
import { connectKubeClient } from '../../src/k8s/live/watch-transport.js';
import { readLeaseRecord } from '../../src/k8s/live/lease.js';
import type { ServeController } from '../../src/serve/serve.js';
import { startServe } from '../../src/serve/serve.js';
import { openStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/model.js';
import type { RunningRegistry } from '../image/helpers/registry.js';
import type { FakeApiServer } from '../helpers/fake-api-server.js';
import { type RunningPostgres, postgresUnavailable, startPostgres } from '../helpers/postgres.js';
import type { PushedImage } from './fixtures.js';
import { PODS, buildImages, runningPod, startFakeCluster, startTestRegistry, writeDb } from './fixtures.js';

const skip = postgresUnavailable();
const REPO = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'kw-failover-'));
let registry: RunningRegistry;
let postgres: RunningPostgres;
let api: FakeApiServer;
let kubeconfig: string;
let proxy: http.Server;
let proxyHost = '';
let child: ChildProcess | undefined;
const cleanup: (() => Promise<void>)[] = [];

/** Requests for this blob are held (never answered) while `holding`. */
let heldBlob = '';
let holding = true;
const held: http.ServerResponse[] = [];

before(async () => {
  if (skip) return;
  postgres = await startPostgres();
  registry = await startTestRegistry(work);
  ({ api, kubeconfig } = await startFakeCluster(work));
  proxy = http.createServer((req, res) => {
    if (holding && heldBlob && req.url?.includes(`/blobs/${heldBlob}`)) {
      held.push(res);
      return;
    }
    const upstream = http.request(
      `http://${registry.host}${req.url ?? '/'}`,
      { method: req.method, headers: { ...req.headers, host: registry.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyHost = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
after(async () => {
  child?.kill('SIGKILL');
  for (const step of cleanup.reverse()) await step();
  for (const res of held) res.destroy();
  proxy?.closeAllConnections();
  proxy?.close();
  await api?.close();
  await registry?.stop();
  await postgres?.stop();
  rmSync(work, { recursive: true, force: true });
});

function viaProxy(image: PushedImage): PushedImage {
  const swap = (text: string) => text.replace(registry.host, proxyHost);
  return { ...image, tagged: swap(image.tagged), repository: swap(image.repository) };
}

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const LEASE = { namespace: 'kubeward-system', name: 'kubeward-serve' };

test(
  'a leader killed mid-scan loses nothing: the other replica takes over after the lease and scans it',
  { skip },
  async (t) => {
    const images = await buildImages(work, registry);
    const a = viaProxy(images.a);
    const b = viaProxy(images.b);
    heldBlob = images.b.layers[1] ?? ''; // b's own layer: a (base layer only) completes, b hangs mid-scan
    const dbPath = join(work, 'vulndb.sqlite');
    await writeDb(work, dbPath, 1, '2026-12-01T00:00:00Z');
    const storeUrl = await postgres.createDatabase();
    api.cluster.upsert(PODS, runningPod('shop', 'web-1', a));
    api.cluster.upsert(PODS, runningPod('shop', 'job-1', b));

    let stderr = '';
    child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        join(REPO, 'src/cli/main.ts'),
        'serve',
        ...['--kubeconfig', kubeconfig, '--store', storeUrl, '--db', dbPath, '--listen', '127.0.0.1:0'],
        ...['--insecure-registry', proxyHost, '--no-cache', '--debounce', '50ms'],
        ...['--leader-elect', '--lease-namespace', LEASE.namespace, '--lease-duration', '3s'],
        ...['--renew-deadline', '2s', '--retry-period', '500ms'],
      ],
      { cwd: REPO, env: { ...process.env, POD_NAME: 'replica-a' }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const store: Store = await openStore(storeUrl);
    cleanup.push(() => store.close());

    // replica-a leads, stores a, and is held in the middle of reading b's layer.
    await until(
      'replica-a mid-scan of b',
      async () => held.length > 0 && (await store.imageScans(images.a.digest, 1)).length === 1,
    );
    assert.equal(readLeaseRecord(api.cluster.lease(LEASE.namespace, LEASE.name)).holderIdentity, 'replica-a');
    // The process serves health, metrics and the dashboard's JSON API from the shared store.
    const url = /listening on (http:\/\/[\d.:]+)/.exec(stderr)?.[1] ?? '';
    assert.equal((await fetch(`${url}/readyz`)).status, 200);
    assert.match(await (await fetch(`${url}/metrics`)).text(), /^kubeward_serve_scans_in_flight 1$/m);
    const imagesApi = await fetch(`${url}/api/v1/images`);
    assert.equal(imagesApi.status, 200);
    assert.ok(
      JSON.stringify(await imagesApi.json()).includes(images.a.digest),
      'the dashboard API shows the scan',
    );
    child.kill('SIGKILL');
    const killedAt = Date.now();
    await new Promise((resolve) => child?.once('exit', resolve));
    assert.deepEqual(await store.imageScans(images.b.digest, 10), [], 'the interrupted scan left no record');
    assert.match(stderr, /replica-a leads/);
    holding = false;
    for (const res of held.splice(0)) res.destroy();

    const client = await connectKubeClient({ kubeconfig, env: {} });
    let ledAt = 0;
    const replicaB: ServeController = startServe({
      client,
      store,
      clock: systemClock,
      toolVersion: 'test',
      dbPath,
      intervalMs: 3_600_000,
      debounceMs: 50,
      registry: { dockerConfig: false },
      insecureRegistries: [proxyHost],
      cachePath: false,
      leaderElection: {
        ...LEASE,
        identity: 'replica-b',
        leaseDurationSeconds: 3,
        renewDeadlineSeconds: 2,
        retryPeriodSeconds: 0.2,
      },
      onLog: (message) => {
        if (message.includes('replica-b leads')) ledAt = Date.now();
      },
    });
    cleanup.push(() => replicaB.stop());
    await until('replica-b leads', () => replicaB.isLeader());
    // replica-a renewed at most 0.5 s before it died; replica-b must wait out the 3 s lease from its own view.
    assert.ok(ledAt - killedAt >= 2_000, `took over ${ledAt - killedAt} ms after the kill`);
    t.diagnostic(`replica-b took over ${ledAt - killedAt} ms after replica-a was killed (lease 3 s)`);
    const lease = readLeaseRecord(api.cluster.lease(LEASE.namespace, LEASE.name));
    assert.equal(lease.holderIdentity, 'replica-b');
    assert.equal(lease.leaseTransitions, 1);

    await until(
      'b scanned by replica-b',
      async () => (await store.imageScans(images.b.digest, 10)).length === 1,
    );
    await replicaB.settled();
    const [scanB] = await store.imageScans(images.b.digest, 10);
    assert.equal(scanB?.error, undefined);
    assert.equal(scanB?.packages, 1);
    assert.equal((await store.imageScans(images.a.digest, 10)).length, 1, 'a was not scanned twice');
    assert.equal(replicaB.status().scans.scanned, 1);
  },
);
