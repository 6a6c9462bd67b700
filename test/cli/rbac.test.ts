import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './run-cli.js';
import { startFakeApiServer, kubeconfigFor } from '../helpers/fake-api-server.js';
import type { FakeApiServer } from '../helpers/fake-api-server.js';
import { recordedRoutes, SECRET_PLAIN, SECRET_VALUE } from '../k8s/live/recorded-cluster.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'rbac', 'authorizer', 'cluster.yaml');

const servers: FakeApiServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

async function liveKubeconfig() {
  const server = await startFakeApiServer({ routes: recordedRoutes() });
  servers.push(server);
  const dir = await mkdtemp(join(tmpdir(), 'kw-cli-rbac-'));
  const kubeconfig = join(dir, 'config');
  await writeFile(kubeconfig, kubeconfigFor(server.url));
  return { server, dir, kubeconfig };
}

interface CanIJson {
  allowed: boolean;
  via: {
    binding: { kind: string; name: string; namespace?: string };
    role: { kind: string; name: string };
  } | null;
}

interface CanICase {
  args: string[];
  allowed: boolean;
  binding?: string;
  role?: string;
}

const canICases = [
  {
    args: ['get', 'pods', '-n', 'team-a', '--as', 'alice'],
    allowed: true,
    binding: 'alice-pods',
    role: 'pod-reader',
  },
  { args: ['get', 'po', '-n', 'team-b', '--as', 'alice'], allowed: false },
  {
    args: ['get', 'secrets/db-password', '-n', 'team-a', '--as', 'alice'],
    allowed: true,
    binding: 'alice-secret',
    role: 'secret-reader',
  },
  { args: ['get', 'secrets', '--name', 'other', '-n', 'team-a', '--as', 'alice'], allowed: false },
  {
    args: ['create', 'pods/exec', '-n', 'team-b', '--as', 'bob', '--as-group', 'devs'],
    allowed: true,
    binding: 'devs-exec',
  },
  { args: ['create', 'pods', '--subresource', 'exec', '-n', 'team-b', '--as', 'bob'], allowed: false },
  { args: ['update', 'deploy/scale', '-n', 'x', '--as', 'hpa-bot'], allowed: true, role: 'scaler' },
  { args: ['update', 'statefulsets.apps', '--subresource', 'scale', '--as', 'hpa-bot'], allowed: true },
  {
    args: ['create', 'deployments.apps', '-n', 'team-a', '--as', 'system:serviceaccount:team-a:ci'],
    allowed: true,
    binding: 'ci-deployer',
  },
  {
    args: ['get', '/healthz', '--as', 'm', '--as-group', 'monitoring'],
    allowed: true,
    binding: 'monitoring-health',
  },
  { args: ['get', '/healthz', '--as', 'bob'], allowed: false },
  { args: ['get', 'nodes', '--as', 'carol'], allowed: true, role: 'monitoring-aggregate' },
  { args: ['get', 'nodes', '-n', 'team-a', '--as', 'erin'], allowed: false },
  { args: ['list', 'namespaces', '--as', 'anyone'], allowed: true, binding: 'authenticated-namespaces' },
  { args: ['list', 'namespaces', '--as', 'system:anonymous'], allowed: false },
  { args: ['get', 'configmaps', '-n', 'q', '--as', 'system:serviceaccount:team-c:b'], allowed: true },
  { args: ['get', 'widgets', '--api-group', 'example.com', '-n', 'q', '--as', 'alice'], allowed: false },
] satisfies CanICase[];

for (const c of canICases as CanICase[]) {
  test(`rbac can-i ${c.args.join(' ')}`, async () => {
    const run = await cli(['rbac', 'can-i', ...c.args, FIXTURE, '--format', 'json']);
    assert.equal(run.code, c.allowed ? 0 : 1, run.stderr);
    const out = JSON.parse(run.stdout) as CanIJson;
    assert.equal(out.allowed, c.allowed);
    if (c.binding) assert.equal(out.via?.binding.name, c.binding);
    if (c.role) assert.equal(out.via?.role.name, c.role);
    if (!c.allowed) assert.equal(out.via, null);
  });
}

test('rbac can-i table output says yes or no', async () => {
  const yes = await cli(['rbac', 'can-i', 'get', 'pods', '-n', 'team-a', '--as', 'alice', FIXTURE]);
  assert.match(
    yes.stdout,
    /^yes \(RoleBinding "alice-pods" grants ClusterRole "pod-reader" to User "alice"\)/,
  );
  const no = await cli(['rbac', 'can-i', 'delete', 'pods', '-n', 'team-a', '--as', 'alice', FIXTURE]);
  assert.equal(no.stdout, 'no\n');
  assert.equal(no.code, 1);
});

test('rbac can-i without --as is a usage error', async () => {
  const run = await cli(['rbac', 'can-i', 'get', 'pods', FIXTURE]);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--as USER is required/);
});

test('rbac who-can --format json lists sorted, deduplicated subjects', async () => {
  const run = await cli(['rbac', 'who-can', 'get', 'pods', '-n', 'team-a', FIXTURE, '--format', 'json']);
  assert.equal(run.code, 0, run.stderr);
  const out = JSON.parse(run.stdout) as { subjects: unknown[] };
  assert.deepEqual(out.subjects, [
    { kind: 'User', name: 'alice' },
    { kind: 'User', name: 'root-ops' },
  ]);
  const sa = await cli(['rbac', 'who-can', 'create', 'deploy', '-n', 'team-a', FIXTURE, '--format', 'json']);
  assert.deepEqual((JSON.parse(sa.stdout) as { subjects: unknown[] }).subjects[0], {
    kind: 'ServiceAccount',
    name: 'ci',
    namespace: 'team-a',
  });
  const table = await cli(['rbac', 'who-can', 'get', '/healthz', FIXTURE]);
  assert.match(table.stdout, /^KIND\s+NAME\s+NAMESPACE\s+VIA\n/);
  assert.match(
    table.stdout,
    /Group\s+monitoring\s+ClusterRoleBinding\/monitoring-health -> ClusterRole\/health/,
  );
});

test('rbac list shows effective rules of users, groups and service accounts', async () => {
  const alice = await cli(['rbac', 'list', 'alice', FIXTURE, '--format', 'json']);
  const rules = (JSON.parse(alice.stdout) as { rules: { namespace?: string; binding: { name: string } }[] })
    .rules;
  assert.deepEqual(
    rules.map((r) => `${r.namespace ?? '*'}:${r.binding.name}`),
    ['*:authenticated-namespaces', 'team-a:alice-pods', 'team-a:alice-secret'],
  );
  const group = await cli(['rbac', 'list', 'Group/monitoring', FIXTURE]);
  assert.match(group.stdout, /\*\s+get\s+\/healthz,\/metrics\/\*/);
  const sa = await cli([
    'rbac',
    'list',
    'ServiceAccount/team-a/ci',
    FIXTURE,
    '-n',
    'team-a',
    '--format',
    'json',
  ]);
  assert.ok((JSON.parse(sa.stdout) as { rules: unknown[] }).rules.length >= 2);
});

test('snapshot from a live cluster, then every rbac command reads it with --snapshot', async () => {
  const { dir, kubeconfig } = await liveKubeconfig();
  const file = join(dir, 'snapshot.json');
  const run = await cli(['snapshot', '--output', file, '--kubeconfig', kubeconfig, '--page-size', '2']);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stderr, /warning: .*cannot list nodes: forbidden/);
  const text = await readFile(file, 'utf8');
  assert.ok(
    !text.includes(SECRET_VALUE) && !text.includes(SECRET_PLAIN),
    'secret value written to the snapshot',
  );
  const doc = JSON.parse(text) as {
    kind: string;
    items: { kind: string }[];
    metadata: { annotations: Record<string, string> };
  };
  assert.equal(doc.kind, 'List');
  assert.equal(doc.items.filter((i) => i.kind === 'Pod').length, 7);
  assert.equal(doc.metadata.annotations['kubeward.dev/snapshot-taken-at'], '2026-11-28T12:00:00.000Z');

  const canI = await cli([
    'rbac',
    'can-i',
    'list',
    'secrets',
    '--as',
    'x',
    '--as-group',
    'auditors',
    '--snapshot',
    file,
    '--format',
    'json',
  ]);
  assert.equal((JSON.parse(canI.stdout) as CanIJson).allowed, true);
  const whoCan = await cli([
    'rbac',
    'who-can',
    'get',
    'secrets',
    '-n',
    'team-a',
    '--snapshot',
    file,
    '--format',
    'json',
  ]);
  assert.deepEqual((JSON.parse(whoCan.stdout) as { subjects: unknown[] }).subjects, [
    { kind: 'Group', name: 'auditors' },
    { kind: 'ServiceAccount', name: 'web', namespace: 'team-a' },
  ]);
});

test('rbac can-i live through --kubeconfig', async () => {
  const { kubeconfig } = await liveKubeconfig();
  const run = await cli([
    'rbac',
    'can-i',
    'get',
    'secrets',
    '-n',
    'team-a',
    '--as',
    'system:serviceaccount:team-a:web',
    '--kubeconfig',
    kubeconfig,
    '--format',
    'json',
  ]);
  assert.equal(run.code, 0, run.stderr);
  const out = JSON.parse(run.stdout) as CanIJson;
  assert.equal(out.via?.binding.name, 'web-reads-secrets');
  assert.match(run.stderr, /cannot list nodes: forbidden/);
});
