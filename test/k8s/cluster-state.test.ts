import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadClusterState } from '../../src/k8s/cluster-state.js';
import { snapshotDocument } from '../../src/k8s/live/snapshot.js';
import { BaseError } from '../../src/core/errors.js';
import { startFakeApiServer, kubeconfigFor } from '../helpers/fake-api-server.js';
import type { FakeApiServer } from '../helpers/fake-api-server.js';
import { recordedRoutes } from './live/recorded-cluster.js';

const servers: FakeApiServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

const KUBECTL_GET_ALL = `apiVersion: v1
kind: List
metadata: { resourceVersion: "" }
items:
  - apiVersion: v1
    kind: Namespace
    metadata: { name: team-a, labels: { team: a } }
  - apiVersion: rbac.authorization.k8s.io/v1
    kind: RoleBinding
    metadata: { name: rb, namespace: team-a }
    roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view }
    subjects: [{ kind: User, name: alice }]
`;

test('files: kubectl get -A -o yaml output (kind: List) with positions', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kw-state-'));
  const file = join(dir, 'all.yaml');
  await writeFile(file, KUBECTL_GET_ALL);
  const state = await loadClusterState({ paths: [file] });
  assert.deepEqual(
    state.objects.map((o) => `${o.kind}/${o.metadata.name}@${o.source.line}`),
    ['Namespace/team-a@5', 'RoleBinding/rb@8'],
  );
  assert.deepEqual(state.source, { kind: 'files', files: [file] });
});

test('files: a snapshot document is read back as the same objects', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kw-state-'));
  const file = join(dir, 'snap.json');
  const doc = snapshotDocument(
    [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'x' }, data: { k: 'dmFsdWU=' } },
    ],
    { server: 'https://k', context: 'c', takenAt: '2026-01-01T00:00:00.000Z', warnings: [] },
  );
  await writeFile(file, JSON.stringify(doc));
  const state = await loadClusterState({ snapshot: file });
  assert.deepEqual(
    state.objects.map((o) => o.kind),
    ['Namespace', 'Secret'],
  );
  assert.equal(state.objects[1]?.raw['data'], undefined, 'snapshots never hold secret values');
});

test('live: objects and warnings from the fake API server', async () => {
  const server = await startFakeApiServer({ routes: recordedRoutes() });
  servers.push(server);
  const dir = await mkdtemp(join(tmpdir(), 'kw-state-'));
  const kubeconfig = join(dir, 'config');
  await writeFile(kubeconfig, kubeconfigFor(server.url, { contexts: ['other', 'fake'] }));
  const state = await loadClusterState({ kubeconfig, context: 'fake', env: {}, live: { pageSize: 2 } });
  assert.deepEqual(state.source, { kind: 'live', server: server.url, context: 'fake' });
  assert.equal(state.objects.filter((o) => o.kind === 'Pod').length, 7);
  const ns = state.objects.find((o) => o.kind === 'Namespace' && o.metadata.name === 'team-a');
  assert.deepEqual(ns?.metadata.labels, { team: 'a' });
  assert.equal(state.warnings.length, 2);
  assert.ok(state.warnings.every((w) => w.file.includes(server.url)));
});

test('live: KUBECONFIG from the environment', async () => {
  const server = await startFakeApiServer({ routes: recordedRoutes() });
  servers.push(server);
  const dir = await mkdtemp(join(tmpdir(), 'kw-state-'));
  const kubeconfig = join(dir, 'config');
  await writeFile(kubeconfig, kubeconfigFor(server.url));
  const state = await loadClusterState({ env: { KUBECONFIG: `${join(dir, 'missing')}:${kubeconfig}` } });
  assert.equal(state.source.kind, 'live');
});

test('files and a kubeconfig together are a usage error', async () => {
  await assert.rejects(
    loadClusterState({ snapshot: 'x.json', kubeconfig: 'config' }),
    (e: unknown) => e instanceof BaseError && e.code === 'USAGE',
  );
});

test('snapshot fast path gives the same objects and positions as the YAML loader', async () => {
  const { parseManifestText } = await import('../../src/k8s/load-manifests.js');
  const { readJsonList } = await import('../../src/k8s/live/snapshot-reader.js');
  const { DEFAULT_LIMITS } = await import('../../src/core/limits.js');
  const doc = {
    apiVersion: 'v1',
    kind: 'List',
    items: [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a "quoted" {brace}', labels: { x: 'y' } } },
      {
        kind: 'Pod',
        apiVersion: 'v1',
        metadata: { generateName: 'p-', namespace: 'a' },
        spec: { items: [{}] },
      },
      { kind: 'NoVersion', metadata: {} },
    ],
  };
  for (const text of [JSON.stringify(doc, null, 2), JSON.stringify(doc)]) {
    const slow = parseManifestText(text, 'f.json');
    const fast = readJsonList(text, 'f.json', DEFAULT_LIMITS);
    assert.ok(fast);
    assert.deepEqual(fast.objects, slow.objects);
    assert.deepEqual(
      fast.problems.map((p) => [p.line, p.column]),
      slow.problems.map((p) => [p.line, p.column]),
    );
  }
  // Anything else goes to the general loader.
  assert.equal(readJsonList('kind: List\nitems: []\n', 'f', DEFAULT_LIMITS), undefined);
  assert.equal(readJsonList('{"kind":"Pod","apiVersion":"v1"}', 'f', DEFAULT_LIMITS), undefined);
});
