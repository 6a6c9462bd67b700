import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startFakeApiServer, kubeconfigFor } from '../../helpers/fake-api-server.js';
import type { FakeApiServer } from '../../helpers/fake-api-server.js';
import { connect } from '../../../src/k8s/live/connection.js';
import { listResources } from '../../../src/k8s/live/list.js';
import { readCluster } from '../../../src/k8s/live/read-cluster.js';
import { LIVE_RESOURCES } from '../../../src/k8s/live/resources.js';
import { BaseError } from '../../../src/core/errors.js';
import { recordedRoutes, SECRET_PLAIN, SECRET_VALUE } from './recorded-cluster.js';

const servers: FakeApiServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

async function setup(
  options: Partial<Parameters<typeof startFakeApiServer>[0]> = {},
  kubeconfigOptions = {},
) {
  const server = await startFakeApiServer({ routes: recordedRoutes(), ...options });
  servers.push(server);
  const dir = await mkdtemp(join(tmpdir(), 'kw-live-'));
  const kubeconfig = join(dir, 'config');
  await writeFile(kubeconfig, kubeconfigFor(server.url, kubeconfigOptions));
  return { server, kubeconfig, dir };
}

const pods = LIVE_RESOURCES.filter((r) => r.resource === 'pods');

test('pagination: follows continue tokens with limit until the list ends', async () => {
  const { server, kubeconfig } = await setup();
  const conn = await connect({ kubeconfig, env: {} });
  const outcome = await listResources(conn, pods, { pageSize: 3 });
  assert.deepEqual(outcome.warnings, []);
  const list = outcome.lists[0];
  assert.ok(list);
  assert.equal(list.pages, 3);
  assert.equal(list.resourceVersion, '48213');
  assert.deepEqual(
    list.items.map((i) => (i['metadata'] as { name: string }).name),
    ['web-0', 'web-1', 'web-2', 'web-3', 'web-4', 'web-5', 'web-6'],
  );
  const podRequests = server.requests.filter((r) => r.path === '/api/v1/pods');
  assert.deepEqual(
    podRequests.map((r) => [r.query['limit'], r.query['continue'] !== undefined]),
    [
      ['3', false],
      ['3', true],
      ['3', true],
    ],
  );
  // Credentials from the kubeconfig reach the server through @kubernetes/client-node.
  assert.equal(podRequests[0]?.authorization, 'Bearer test-token');
});

test('an expired continue token restarts the list once', async () => {
  const { kubeconfig } = await setup({ expireContinueOnce: ['/api/v1/pods'] });
  const outcome = await listResources(await connect({ kubeconfig, env: {} }), pods, { pageSize: 2 });
  assert.equal(outcome.lists[0]?.items.length, 7);
});

test('403 and 404 become warnings; everything else is still listed', async () => {
  const { kubeconfig } = await setup();
  const state = await readCluster({ kubeconfig, env: {}, pageSize: 2 });
  assert.equal(state.warnings.length, 2);
  assert.match(state.warnings[0] ?? '', /cannot list nodes: forbidden \(nodes is forbidden: User/);
  assert.match(state.warnings[1] ?? '', /cannot list cronjobs\.batch: not served/);
  const kinds = new Set(state.items.map((i) => i['kind']));
  for (const kind of ['Namespace', 'Pod', 'Secret', 'ClusterRole', 'ClusterRoleBinding', 'RoleBinding'])
    assert.ok(kinds.has(kind), kind);
  // Items get apiVersion and kind back, and lose managedFields.
  const pod = state.items.find((i) => i['kind'] === 'Pod');
  assert.equal(pod?.['apiVersion'], 'v1');
  assert.equal((pod?.['metadata'] as Record<string, unknown>)['managedFields'], undefined);
  const binding = state.items.find((i) => i['kind'] === 'RoleBinding');
  assert.equal(binding?.['apiVersion'], 'rbac.authorization.k8s.io/v1');
});

test('secret values never leave the lister: no data, stringData or last-applied annotation', async () => {
  const { kubeconfig } = await setup();
  const state = await readCluster({ kubeconfig, env: {} });
  const secrets = state.items.filter((i) => i['kind'] === 'Secret');
  assert.equal(secrets.length, 2);
  for (const s of secrets) {
    assert.equal(s['data'], undefined);
    assert.equal(s['stringData'], undefined);
    assert.ok(typeof s['type'] === 'string');
  }
  const text = JSON.stringify(state);
  assert.ok(!text.includes(SECRET_VALUE) && !text.includes(SECRET_PLAIN), 'secret value leaked');
  assert.match(text, /"owner":"team-a"/);
});

test('401 stops the run with a remote error', async () => {
  const { kubeconfig } = await setup({
    routes: {
      '/api/v1/pods': { type: 'status', code: 401, reason: 'Unauthorized', message: 'Unauthorized' },
    },
  });
  await assert.rejects(
    readCluster({ kubeconfig, env: {}, resources: pods }),
    (e: unknown) => e instanceof BaseError && e.code === 'REMOTE' && /401/.test(e.message),
  );
});

test('connection refused is a remote error; a missing context is a config error', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kw-live-'));
  const kubeconfig = join(dir, 'config');
  await writeFile(kubeconfig, kubeconfigFor('http://127.0.0.1:1'));
  await assert.rejects(
    readCluster({ kubeconfig, env: {}, resources: pods }),
    (e: unknown) => e instanceof BaseError && e.code === 'REMOTE',
  );
  await assert.rejects(
    readCluster({ kubeconfig, context: 'nope', env: {}, resources: pods }),
    (e: unknown) => e instanceof BaseError && e.code === 'CONFIG',
  );
  await assert.rejects(
    readCluster({ env: { HOME: dir }, resources: pods }),
    (e: unknown) => e instanceof BaseError && e.code === 'CONFIG',
  );
});

test('http without insecure-skip-tls-verify is refused by the client', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kw-live-'));
  const kubeconfig = join(dir, 'config');
  await writeFile(
    kubeconfig,
    kubeconfigFor('http://127.0.0.1:1').replace(', insecure-skip-tls-verify: true', ''),
  );
  await assert.rejects(
    readCluster({ kubeconfig, env: {}, resources: pods }),
    (e: unknown) => e instanceof BaseError && e.code === 'CONFIG',
  );
});

test('HTTPS with the cluster CA from the kubeconfig', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kw-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '2',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const certPem = readFileSync(cert, 'utf8');
  const { kubeconfig } = await setup(
    { tls: { key: readFileSync(key, 'utf8'), cert: certPem } },
    { caPem: certPem },
  );
  const outcome = await listResources(await connect({ kubeconfig, env: {} }), pods, { pageSize: 4 });
  assert.equal(outcome.lists[0]?.items.length, 7);
  // Without the CA the TLS handshake fails: a remote error, not a crash.
  const other = join(dir, 'no-ca');
  await writeFile(
    other,
    readFileSync(kubeconfig, 'utf8').replace(/certificate-authority-data: [^ ,}]+/, 'x-none: 1'),
  );
  await assert.rejects(
    listResources(await connect({ kubeconfig: other, env: {} }), pods),
    (e: unknown) => e instanceof BaseError && e.code === 'REMOTE',
  );
});
