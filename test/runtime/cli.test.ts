import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, testContext } from '../cli/run-cli.js';
import { runCli } from '../../src/cli/run.js';
import { AUDIT_FIXTURES } from '../checks/runtime/helpers.js';
import { createPki } from './test-ca.js';
import { listeningUrl, postEventList } from './intake-client.js';

const fixture = (...p: string[]): string => join(AUDIT_FIXTURES, ...p);

interface AnalyzeJson {
  alerts: {
    rule: string;
    priority: string;
    auditID: string;
    user: string;
    verb: string;
    resource: string | null;
    namespace: string | null;
    name: string | null;
    message: string;
  }[];
  events: number;
  skipped: number;
}

test('analyze --format json --output: the contract fields, one alert per matching event and rule', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kw-rt-cli-'));
  const out = join(dir, 'alerts.json');
  const run = await cli([
    'runtime',
    'analyze',
    fixture('eventlist.json'),
    fixture('rules', 'pod-exec.stages.jsonl'),
    '--format',
    'json',
    '--output',
    out,
  ]);
  assert.equal(run.code, 0, run.stderr);
  const result = JSON.parse(readFileSync(out, 'utf8')) as AnalyzeJson;
  assert.equal(result.skipped, 0);
  assert.equal(result.events, 5);
  assert.deepEqual(
    result.alerts.map((a) => a.rule),
    ['pod-port-forward', 'pod-privileged', 'pod-host-pid', 'pod-sensitive-host-path', 'pod-exec'],
  );
  const a = result.alerts[1]!;
  assert.deepEqual(Object.keys(a).slice(0, 9), [
    'rule',
    'priority',
    'auditID',
    'user',
    'verb',
    'resource',
    'namespace',
    'name',
    'message',
  ]);
  assert.equal(a.priority, 'high');
  assert.equal(a.user, 'mallory@contoso.com');
  assert.equal(a.verb, 'create');
  assert.equal(a.resource, 'pods');
  assert.equal(a.namespace, 'web');
  assert.equal(a.name, 'escape');
  assert.match(a.message, /privileged container/);
});

test('analyze: malformed records are counted and reported, never fatal', async () => {
  const run = await cli(['runtime', 'analyze', fixture('malformed.jsonl'), '--format', 'json']);
  assert.equal(run.code, 0);
  const result = JSON.parse(run.stdout) as AnalyzeJson;
  assert.equal(result.skipped, 7);
  assert.equal(result.events, 3);
  assert.deepEqual(
    result.alerts.map((a) => a.rule),
    ['pod-exec', 'secret-read-outside-namespace'],
  );
  assert.match(run.stderr, /skipped 7 malformed records \(first: .*malformed\.jsonl:2: not valid JSON\)/);
});

test('analyze: AKS exports, --rules FILE, --allowed-registries, --fail-on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kw-rt-cli-'));
  const rules = join(dir, 'rules.yaml');
  writeFileSync(
    rules,
    `- rule: contoso-config-read
  desc: anyone reading the payments configuration
  condition: objectRef.resource = configmaps and objectRef.namespace = payments and verb = get
  output: "{user.username} read {objectRef.name}"
  priority: low
  tags: [T1613]
- rule: pod-exec
  except: user.username = mallory@contoso.com
`,
  );
  const run = await cli([
    'runtime',
    'analyze',
    fixture('aks', 'kube-audit.json'),
    '--rules',
    rules,
    '--format',
    'json',
    '--fail-on',
    'high',
  ]);
  assert.equal(run.code, 1, 'a high alert fails the run');
  const result = JSON.parse(run.stdout) as AnalyzeJson;
  assert.deepEqual(
    result.alerts.map((a) => a.rule),
    ['rbac-cluster-admin-binding', 'contoso-config-read'],
  );
  assert.equal(result.skipped, 2);

  const images = await cli([
    'runtime',
    'analyze',
    fixture('rules', 'pod-privileged.alert.jsonl'),
    '--allowed-registries',
    'contoso.azurecr.io',
    '--format',
    'json',
  ]);
  const imageAlerts = (JSON.parse(images.stdout) as AnalyzeJson).alerts.filter(
    (a) => a.rule === 'image-registry-not-allowed',
  );
  assert.deepEqual(
    imageAlerts.map((a) => a.name),
    ['debug-tools', 'cleanup'],
  );
});

test('analyze: a broken rules file is a one-line configuration error (exit 2); a missing input exits 3', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kw-rt-cli-'));
  const rules = join(dir, 'bad.yaml');
  writeFileSync(
    rules,
    '- rule: typo\n  desc: x\n  condition: user.usernme = x\n  output: x\n  priority: low\n',
  );
  const bad = await cli(['runtime', 'analyze', fixture('malformed.jsonl'), '--rules', rules]);
  assert.equal(bad.code, 2);
  assert.equal(
    bad.stderr,
    `kubeward: error: ${rules}: rule "typo": condition: unknown field "user.usernme" (did you mean "user.username"?)\n`,
  );
  const missing = await cli(['runtime', 'analyze', join(dir, 'nope.log')]);
  assert.equal(missing.code, 3);
});

test('watch --until-eof: alerts as JSON lines to a file, and a restart adds only what is new', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kw-rt-watch-'));
  const log = join(dir, 'audit.log');
  const out = join(dir, 'alerts.jsonl');
  const state = join(dir, 'state.json');
  copyFileSync(fixture('rules', 'pod-exec.alert.jsonl'), log);
  const args = ['runtime', 'watch', log, '--until-eof', '--state', state, '--output', out];
  assert.equal((await cli(args)).code, 0);
  assert.equal(readFileSync(out, 'utf8').trim().split('\n').length, 3);
  const again = await cli(args);
  assert.match(again.stderr, /0 events, 0 alerts/);
  appendFileSync(log, readFileSync(fixture('rules', 'pod-port-forward.alert.jsonl')));
  await cli(args);
  const lines = readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { rule: string; auditID: string });
  assert.deepEqual(
    lines.map((l) => l.rule),
    ['pod-exec', 'pod-exec', 'pod-exec', 'pod-port-forward', 'pod-port-forward'],
  );
  assert.equal(new Set(lines.map((l) => l.auditID)).size, 5);
});

test('rules: lists the shipped rules with their techniques', async () => {
  const run = await cli(['runtime', 'rules', '--format', 'json']);
  assert.equal(run.code, 0);
  const { rules } = JSON.parse(run.stdout) as {
    rules: { id: string; enabled: boolean; techniques: string[] }[];
  };
  assert.ok(rules.length >= 25);
  assert.ok(rules.find((r) => r.id === 'pod-exec')?.techniques.includes('T1609'));
  assert.equal(rules.find((r) => r.id === 'image-registry-not-allowed')?.enabled, false);
});

test('serve: HTTPS intake from the CLI, alerts on stdout, stops cleanly on SIGTERM', async () => {
  const pki = createPki();
  let stdout = '';
  let stderr = '';
  const running = runCli(
    [
      'runtime',
      'serve',
      '--tls-cert',
      pki.files.serverCert,
      '--tls-key',
      pki.files.serverKey,
      '--listen',
      '127.0.0.1:0',
    ],
    testContext({ stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }),
  );
  const deadline = Date.now() + 5000;
  const url = await listeningUrl(() => stderr, deadline);
  await postEventList(url, fixture('rules', 'pod-exec.alert.jsonl'), pki.caPem);
  while (stdout.split('\n').filter(Boolean).length < 3 && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 10));
  process.emit('SIGTERM');
  assert.equal(await running, 0);
  assert.equal(stdout.trim().split('\n').length, 3);
  assert.match(stderr, /3 events, 3 alerts, 0 skipped/);
});
