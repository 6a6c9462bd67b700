import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { getPath } from '../../src/k8s/object.js';
import { scanManifests } from '../../src/scan/scan-manifests.js';
import { renderServeInstall } from '../../src/install/serve.js';
import { WATCHED_RESOURCES } from '../../src/serve/watched-resources.js';
import { cli } from '../cli/run-cli.js';

type Obj = Record<string, unknown> & { kind: string; metadata: { name: string; namespace?: string } };

const docs = (text: string): Obj[] => parseAllDocuments(text).map((d) => d.toJS() as Obj);
const find = (objects: Obj[], kind: string) => objects.find((o) => o.kind === kind);
const podSpec = (workload: Obj | undefined): unknown =>
  workload?.kind === 'CronJob'
    ? getPath(workload, ['spec', 'jobTemplate', 'spec', 'template', 'spec'])
    : getPath(workload, ['spec', 'template', 'spec']);

async function render(args: string[]): Promise<{ text: string; objects: Obj[] }> {
  const run = await cli(['install', '--print', '-n', 'kw', ...args]);
  assert.equal(run.code, 0, run.stderr);
  return { text: run.stdout, objects: docs(run.stdout) };
}

/** kubeward's own restricted Pod Security scan (and every other check on pod templates) finds nothing. */
async function assertRestricted(text: string): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'kw-install-serve-'));
  const file = join(dir, 'install.yaml');
  await writeFile(file, text);
  const report = await scanManifests([file], { rules: ['pss.*'], pssLevel: 'restricted' });
  assert.equal(report.problems.length, 0);
  assert.deepEqual(
    report.findings.map((f) => `${f.ruleId} ${f.target.kind}/${f.target.name}: ${f.detail}`),
    [],
  );
}

test('serve with SQLite: one replica, Recreate, a PersistentVolumeClaim, read-only RBAC, restricted pods', async () => {
  const { text, objects } = await render(['--component', 'serve', '--interval', '30m']);
  assert.deepEqual(
    objects.map((o) => o.kind),
    [
      'Namespace',
      'ServiceAccount',
      'ClusterRole',
      'ClusterRoleBinding',
      'PersistentVolumeClaim',
      'Deployment',
      'Service',
    ],
  );
  const deployment = find(objects, 'Deployment');
  assert.equal(getPath(deployment, ['spec', 'replicas']), 1);
  assert.deepEqual(getPath(deployment, ['spec', 'strategy']), { type: 'Recreate' });
  const spec = podSpec(deployment);
  assert.equal(getPath(spec, ['volumes', 0, 'persistentVolumeClaim', 'claimName']), 'kubeward-serve-data');
  const args = getPath(spec, ['containers', 0, 'args']) as string[];
  assert.deepEqual(args.slice(0, 5), [
    'serve',
    '--listen',
    '0.0.0.0:8080',
    '--store',
    '/var/lib/kubeward/store.db',
  ]);
  assert.ok(args.includes('30m'));
  assert.ok(!args.includes('--leader-elect'), 'one replica needs no election');
  assert.deepEqual(getPath(spec, ['initContainers', 0, 'args']), [
    'db',
    'update',
    '--db',
    '/var/lib/kubeward/vulndb.sqlite',
  ]);

  const rules = getPath(find(objects, 'ClusterRole'), ['rules']) as {
    apiGroups: string[];
    resources: string[];
    verbs: string[];
  }[];
  for (const rule of rules) assert.deepEqual(rule.verbs, ['get', 'list', 'watch']);
  const granted = rules.flatMap((r) => r.resources.map((res) => `${r.apiGroups[0]}/${res}`));
  assert.deepEqual(
    granted.sort(),
    WATCHED_RESOURCES.map((r) => `${r.group}/${r.resource}`).sort(),
    'exactly what serve watches',
  );
  assert.ok(!granted.some((g) => g.endsWith('/secrets') || g.includes('*')));
  await assertRestricted(text);
});

test('serve with PostgreSQL: replicas elect a leader on a Lease in their namespace; the URL stays in the Secret', async () => {
  const { text, objects } = await render([
    '--component',
    'serve',
    '--store',
    'postgres',
    '--store-secret',
    'shared-db:dsn',
    '--replicas',
    '3',
    '--watch-namespace',
    'shop',
  ]);
  assert.deepEqual(
    objects.map((o) => o.kind),
    [
      'Namespace',
      'ServiceAccount',
      'ClusterRole',
      'ClusterRoleBinding',
      'Role',
      'RoleBinding',
      'Deployment',
      'Service',
    ],
  );
  const deployment = find(objects, 'Deployment');
  assert.equal(getPath(deployment, ['spec', 'replicas']), 3);
  assert.equal(getPath(deployment, ['spec', 'strategy', 'type']), 'RollingUpdate');
  const container = getPath(podSpec(deployment), ['containers', 0]);
  const args = getPath(container, ['args']) as string[];
  assert.equal(args[args.indexOf('--store') + 1], '$(KUBEWARD_STORE)');
  assert.ok(args.includes('--leader-elect'));
  assert.equal(args[args.indexOf('--namespace') + 1], 'shop');
  const env = getPath(container, ['env']) as { name: string; valueFrom?: unknown }[];
  assert.deepEqual(env.find((e) => e.name === 'KUBEWARD_STORE')?.valueFrom, {
    secretKeyRef: { name: 'shared-db', key: 'dsn' },
  });
  assert.ok(
    env.some((e) => e.name === 'POD_NAME'),
    'the pod name is the lease identity',
  );
  const role = find(objects, 'Role');
  assert.equal(role?.metadata.namespace, 'kw');
  assert.deepEqual(getPath(role, ['rules']), [
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
    {
      apiGroups: ['coordination.k8s.io'],
      resources: ['leases'],
      resourceNames: ['kubeward-serve'],
      verbs: ['get', 'update'],
    },
  ]);
  assert.ok(!text.includes('postgres://'));
  const withUrl = await cli([
    'install',
    '--print',
    '-n',
    'kw',
    '--component',
    'serve',
    '--store',
    'postgres://u:hunter2@db/kw',
  ]);
  assert.equal(withUrl.code, 0, withUrl.stderr);
  assert.ok(
    !withUrl.stdout.includes('hunter2') && !withUrl.stderr.includes('hunter2'),
    'the password is never printed',
  );
  assert.match(withUrl.stderr, /create secret generic kubeward-store --from-literal=url=/);
  await assertRestricted(text);
});

test('registry-scan: an Indexed Job (or a CronJob of it) whose pods scan shard JOB_COMPLETION_INDEX/N', async () => {
  const job = await render([
    '--component',
    'registry-scan',
    '--store',
    'postgres',
    '--registry',
    'registry.example.com:5000/team',
    '--shards',
    '8',
    '--parallelism',
    '4',
  ]);
  assert.deepEqual(
    job.objects.map((o) => o.kind),
    ['Namespace', 'ServiceAccount', 'Job'],
  );
  const spec = getPath(find(job.objects, 'Job'), ['spec']);
  assert.equal(getPath(spec, ['completionMode']), 'Indexed');
  assert.equal(getPath(spec, ['completions']), 8);
  assert.equal(getPath(spec, ['parallelism']), 4);
  const pod = podSpec(find(job.objects, 'Job'));
  assert.equal(getPath(pod, ['automountServiceAccountToken']), false);
  const args = getPath(pod, ['containers', 0, 'args']) as string[];
  assert.deepEqual(args.slice(0, 7), [
    'registry',
    'scan',
    'registry.example.com:5000/team',
    '--shard',
    '$(JOB_COMPLETION_INDEX)/8',
    '--store',
    '$(KUBEWARD_STORE)',
  ]);
  await assertRestricted(job.text);

  const cron = await render([
    '--component',
    'registry-scan',
    '--store',
    'postgres',
    '--registry',
    'registry.example.com',
    '--schedule',
    '0 3 * * *',
    '--pull-secret',
    'regcred',
  ]);
  const cronJob = find(cron.objects, 'CronJob');
  assert.equal(getPath(cronJob, ['spec', 'schedule']), '0 3 * * *');
  assert.equal(getPath(cronJob, ['spec', 'concurrencyPolicy']), 'Forbid');
  assert.equal(getPath(cronJob, ['spec', 'jobTemplate', 'spec', 'completionMode']), 'Indexed');
  assert.equal(getPath(podSpec(cronJob), ['volumes', 2, 'secret', 'secretName']), 'regcred');
  await assertRestricted(cron.text);
});

test('install --component: bad combinations are usage errors (exit 2) that name the flag', async () => {
  const cases = [
    { args: ['--component', 'registry-scan', '--registry', 'r.example.com'], message: /--store postgres/ },
    { args: ['--component', 'registry-scan', '--store', 'postgres'], message: /--registry/ },
    {
      args: [
        '--component',
        'registry-scan',
        '--store',
        'postgres',
        '--registry',
        'r.io',
        '--schedule',
        'daily',
      ],
      message: /--schedule/,
    },
    {
      args: ['--component', 'registry-scan', '--store', 'postgres', '--registry', 'r.io', '--shards', '0'],
      message: /--shards/,
    },
    { args: ['--component', 'serve', '--store', 'mysql'], message: /--store/ },
    { args: ['--component', 'serve', '--interval', 'often'], message: /--interval/ },
    { args: ['--component', 'nope'], message: /--component/ },
  ];
  for (const c of cases) {
    const run = await cli(['install', '--print', ...c.args]);
    assert.equal(run.code, 2, `${c.args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, c.message);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
  }
});

test('serve with a cluster name: passed to serve as written, $(VAR) not expanded; a bad one is refused', () => {
  const render = (clusterName: string) =>
    renderServeInstall({
      namespace: 'kw',
      image: 'kubeward:test',
      store: { kind: 'postgres', secretName: 'kubeward-store', secretKey: 'url' },
      replicas: 2,
      interval: '1h',
      watchNamespaces: [],
      clusterName,
    }) as Obj[];
  const argsOf = (objects: Obj[]) =>
    getPath(podSpec(find(objects, 'Deployment')), ['containers', 0, 'args']) as string[];
  const args = argsOf(render('prod-eu'));
  assert.deepEqual(args.slice(args.indexOf('--cluster-name'), args.indexOf('--cluster-name') + 2), [
    '--cluster-name',
    'prod-eu',
  ]);
  // Kubernetes reduces `$$` to `$`, so serve receives the name itself, not the value of a variable.
  assert.ok(argsOf(render('a$(HOME)')).includes('a$$(HOME)'));
  assert.throws(() => render(''), /--cluster-name: must not be empty/);
  assert.throws(() => render('x'.repeat(254)), /--cluster-name: must be at most 253 characters/);
  const withoutName = renderServeInstall({
    namespace: 'kw',
    image: 'kubeward:test',
    store: { kind: 'sqlite', storageSize: '1Gi' },
    replicas: 1,
    interval: '1h',
    watchNamespaces: [],
  }) as Obj[];
  assert.ok(!argsOf(withoutName).includes('--cluster-name'), 'serve then names itself (in-cluster: default)');
});

test('install --cluster-name reaches serve through the CLI; other components refuse it', async () => {
  const { objects } = await render([
    '--component',
    'serve',
    '--store',
    'postgres',
    '--cluster-name',
    'prod-eu',
  ]);
  const args = getPath(find(objects, 'Deployment'), ['spec', 'template', 'spec', 'containers', 0, 'args']);
  assert.ok(Array.isArray(args));
  const at = args.indexOf('--cluster-name');
  assert.ok(at >= 0, JSON.stringify(args));
  assert.equal(args[at + 1], 'prod-eu');
  const refused = await cli([
    'install',
    '--print',
    '--component',
    'registry-scan',
    '--store',
    'postgres',
    '--registry',
    'r.example.com',
    '--cluster-name',
    'x',
  ]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /--cluster-name: only for --component serve/);
});
