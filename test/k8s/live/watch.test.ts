import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeApiServer, kubeconfigFor, forbidden } from '../../helpers/fake-api-server.js';
import type { FakeApiServer, FakeApiServerOptions } from '../../helpers/fake-api-server.js';
import { connectKubeClient } from '../../../src/k8s/live/watch-transport.js';
import type { WatchUpdate, WatchedResource, ResourceWatch } from '../../../src/k8s/live/watch.js';
import { watchResource } from '../../../src/k8s/live/watch.js';

const PODS = '/api/v1/pods';
const POD_RESOURCE: WatchedResource = {
  group: '',
  version: 'v1',
  resource: 'pods',
  kind: 'Pod',
  namespaced: true,
};

const servers: FakeApiServer[] = [];
const watches: ResourceWatch[] = [];
after(async () => {
  for (const w of watches) w.stop();
  for (const s of servers) await s.close();
});

function pod(namespace: string, name: string, extra: Record<string, unknown> = {}) {
  return { metadata: { namespace, name, uid: `${namespace}-${name}`, ...extra }, spec: { containers: [] } };
}

async function setup(options: Partial<FakeApiServerOptions> = {}) {
  const server = await startFakeApiServer({
    routes: {},
    watchable: { [PODS]: { apiVersion: 'v1', kind: 'PodList' } },
    ...options,
  });
  servers.push(server);
  const dir = await mkdtemp(join(tmpdir(), 'kw-watch-'));
  const kubeconfig = join(dir, 'config');
  await writeFile(kubeconfig, kubeconfigFor(server.url));
  const client = await connectKubeClient({ kubeconfig, env: {} });
  return { server, client };
}

function start(
  client: Awaited<ReturnType<typeof connectKubeClient>>,
  extra: { maxEventBytes?: number; namespace?: string } = {},
) {
  const updates: WatchUpdate[] = [];
  const warnings: string[] = [];
  const watch = watchResource(client, POD_RESOURCE, {
    ...extra,
    onUpdate: (u) => updates.push(u),
    onWarning: (w) => warnings.push(w),
    backoff: { initialMs: 10, maxMs: 50 },
  });
  watches.push(watch);
  return { watch, updates, warnings };
}

async function until(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const names = (updates: WatchUpdate[]) =>
  updates.map((u) =>
    u.type === 'SYNCED'
      ? `SYNCED ${u.relist ? 'relist' : 'first'} ${u.objects.length}`
      : `${u.type} ${String((u.object['metadata'] as Record<string, unknown>)['name'])}`,
  );

test('lists, then watches from the list resourceVersion with bookmarks; events keep apiVersion and kind', async () => {
  const { server, client } = await setup();
  server.cluster.upsert(PODS, pod('shop', 'web'));
  const { watch, updates } = start(client);
  await watch.synced;
  await server.cluster.waitForWatches(PODS);
  const watchRequest = server.requests.find((r) => r.query['watch'] === '1');
  assert.equal(watchRequest?.query['resourceVersion'], server.cluster.resourceVersion);
  assert.equal(watchRequest?.query['allowWatchBookmarks'], 'true');

  server.cluster.upsert(PODS, pod('shop', 'api'));
  server.cluster.upsert(PODS, pod('shop', 'web', { labels: { v: '2' } }));
  server.cluster.remove(PODS, 'shop', 'api');
  await until('three events', () => watch.stats.events === 3);
  assert.deepEqual(names(updates), [
    'ADDED web',
    'SYNCED first 1',
    'ADDED api',
    'MODIFIED web',
    'DELETED api',
  ]);
  const added = updates[2];
  assert.ok(added && added.type === 'ADDED');
  assert.equal(added.object['kind'], 'Pod');
  assert.equal(added.object['apiVersion'], 'v1');

  const before = updates.length;
  server.cluster.bookmark(PODS);
  await until('the bookmark', () => watch.stats.bookmarks === 1);
  assert.equal(updates.length, before, 'a bookmark emits nothing');
  assert.equal(watch.stats.resourceVersion, server.cluster.resourceVersion);
  assert.deepEqual(
    watch.objects().map((o) => (o['metadata'] as Record<string, unknown>)['name']),
    ['web'],
  );
});

test('a stream closed by the server is reopened from the last resourceVersion (the bookmark), no relist', async () => {
  const { server, client } = await setup();
  server.cluster.upsert(PODS, pod('shop', 'web'));
  const { watch, updates } = start(client);
  await server.cluster.waitForWatches(PODS);
  server.cluster.bookmark(PODS);
  await until('the bookmark', () => watch.stats.bookmarks === 1);
  const bookmarkRv = server.cluster.resourceVersion;
  server.cluster.closeWatches();
  server.cluster.upsert(PODS, pod('shop', 'late')); // happens while no watch is open: must be replayed
  await until('the replayed event', () => watch.stats.events === 1);
  const watchRequests = server.requests.filter((r) => r.query['watch'] === '1');
  assert.equal(watchRequests.at(-1)?.query['resourceVersion'], bookmarkRv);
  assert.equal(watch.stats.lists, 1, 'no relist');
  assert.equal(watch.stats.reconnects, 1);
  assert.deepEqual(names(updates), ['ADDED web', 'SYNCED first 1', 'ADDED late']);
});

for (const goneAs of ['event', 'http'] as const) {
  test(`410 Gone (${goneAs === 'event' ? 'ERROR event' : 'HTTP status'}): relists and emits the deletion that happened meanwhile`, async () => {
    const { server, client } = await setup({ goneAs });
    server.cluster.upsert(PODS, pod('shop', 'web'));
    server.cluster.upsert(PODS, pod('shop', 'api'));
    const { watch, updates, warnings } = start(client);
    await server.cluster.waitForWatches(PODS);
    // The deletion of api and the creation of db are lost to compaction while the watch is down.
    server.cluster.closeWatches();
    server.cluster.removeSilently(PODS, 'shop', 'api');
    server.cluster.upsert(PODS, pod('shop', 'db'));
    server.cluster.compact();
    await until('the relist', () => watch.stats.relists === 1);
    await server.cluster.waitForWatches(PODS);
    assert.deepEqual(names(updates).slice(3), ['DELETED api', 'ADDED db', 'SYNCED relist 2']);
    assert.ok(
      warnings.some((w) => w.includes('410 Gone')),
      warnings.join('\n'),
    );
    const lastWatch = server.requests.filter((r) => r.query['watch'] === '1').at(-1);
    assert.equal(lastWatch?.query['resourceVersion'], server.cluster.resourceVersion);
    server.cluster.upsert(PODS, pod('shop', 'after'));
    await until('events flow again', () => names(updates).includes('ADDED after'));
  });
}

test('malformed and oversized event lines are counted and skipped; the stream goes on', async () => {
  const { server, client } = await setup();
  const { watch, updates } = start(client, { maxEventBytes: 2048 });
  await server.cluster.waitForWatches(PODS);
  server.cluster.sendRaw(PODS, 'this is not json\n');
  server.cluster.sendRaw(PODS, '{"type":"ADDED"}\n');
  server.cluster.sendRaw(PODS, '{"type":"WHATEVER","object":{}}\n');
  server.cluster.sendRaw(PODS, '{"type":"ADDED","object":{"metadata":{"name":"no-rv"}}}\n');
  server.cluster.upsert(PODS, pod('shop', 'huge', { annotations: { blob: 'x'.repeat(10_000) } }));
  server.cluster.upsert(PODS, pod('shop', 'small'));
  await until('the small pod', () => names(updates).includes('ADDED small'));
  assert.equal(watch.stats.malformed, 4);
  assert.equal(watch.stats.oversized, 1);
  assert.equal(watch.stats.events, 1);
  assert.equal(watch.stats.lists, 1, 'skipping a line is not a reason to relist');
});

test('a namespace watch uses the namespaced path and sees only that namespace', async () => {
  const { server, client } = await setup();
  server.cluster.upsert(PODS, pod('shop', 'web'));
  server.cluster.upsert(PODS, pod('other', 'db'));
  const { watch, updates } = start(client, { namespace: 'shop' });
  await watch.synced;
  await server.cluster.waitForWatches(PODS);
  server.cluster.upsert(PODS, pod('other', 'db2'));
  server.cluster.upsert(PODS, pod('shop', 'api'));
  await until('api', () => names(updates).includes('ADDED api'));
  assert.deepEqual(names(updates), ['ADDED web', 'SYNCED first 1', 'ADDED api']);
  assert.ok(server.requests.every((r) => r.path === '/api/v1/namespaces/shop/pods'));
});

test('errors back off and are retried until the server answers', async () => {
  let failing = true;
  const { server, client } = await setup();
  const real = server.cluster.handleCollection.bind(server.cluster);
  server.cluster.handleCollection = (res, path, query) => {
    if (!failing) return real(res, path, query);
    res.writeHead(503, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', code: 503, message: 'etcd is down' }));
    return true;
  };
  const { watch, warnings } = start(client);
  await until('three failures', () => watch.stats.errors >= 3);
  assert.match(warnings[0] ?? '', /pods: listing pods failed \(503\): etcd is down/);
  failing = false;
  await watch.synced;
  assert.equal(watch.stats.lists, 1);
});

test('a resource the credentials may not list counts as synced (empty), is retried slowly and warned about once', async () => {
  const { server, client } = await setup({
    watchable: {},
    routes: { [PODS]: forbidden('pods') },
  });
  const { watch, updates, warnings } = start(client);
  await watch.synced;
  await until('a few retries', () => server.requests.length >= 3);
  assert.match(watch.stats.unavailable ?? '', /cannot list pods: forbidden \(pods is forbidden: User/);
  assert.equal(watch.stats.lists, 0);
  assert.deepEqual(updates, []);
  assert.equal(warnings.length, 1, warnings.join('\n'));
});
