import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './run-cli.js';

const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples', 'manifests');

interface JsonFinding {
  ruleId: string;
  severity: string;
  title: string;
  file?: string;
  line?: number;
  detail: string;
  target: { kind: string; name: string; namespace?: string };
}

async function scanJson(args: string[], stdin?: string) {
  const dir = await mkdtemp(join(tmpdir(), 'kw-cli-'));
  const out = join(dir, 'report.json');
  const run = await cli(
    ['scan', ...args, '--format', 'json', '--output', out],
    stdin === undefined ? {} : { stdin },
  );
  const report = JSON.parse(await readFile(out, 'utf8')) as { findings: JsonFinding[]; problems: unknown[] };
  return { run, report };
}

test('scanning the examples finds the planted problems with file and line', async () => {
  const { run, report } = await scanJson([EXAMPLES]);
  assert.equal(run.code, 0, run.stderr);
  const has = (ruleId: string, name: string) =>
    report.findings.some((f) => f.ruleId === ruleId && f.target.name === name);
  assert.ok(has('pss.privileged', 'log-agent'));
  assert.ok(has('pss.host-namespaces', 'log-agent'));
  assert.ok(has('pss.run-as-user', 'orders'));
  assert.ok(has('pss.run-as-non-root', 'orders'));
  assert.ok(has('secrets.secret-in-manifest', 'postgres-credentials'));
  assert.ok(has('secrets.plaintext-env-secret', 'orders'));
  assert.ok(has('network.public-load-balancer', 'orders-public'));
  // Tenant sandboxing is only asked of namespaces the configuration marks untrusted.
  assert.ok(!report.findings.some((f) => f.ruleId === 'tenancy.untrusted-without-sandbox'));
  for (const f of report.findings) {
    assert.ok(f.ruleId && f.severity && f.title, JSON.stringify(f));
    if (f.target.kind !== 'Exception') {
      assert.match(f.file ?? '', /examples\/manifests\/.+\.yaml$/);
      assert.ok((f.line ?? 0) >= 1);
    }
  }
  // The good deployment breaks no Pod Security control.
  assert.ok(!report.findings.some((f) => f.ruleId.startsWith('pss.') && f.target.name === 'frontend'));
  // Secret values never reach a report.
  const text = JSON.stringify(report);
  for (const secret of ['hunter2-not-for-git', 's3cr3t-Passw0rd!'])
    assert.ok(!text.includes(secret), `leaked ${secret}`);
});

test('namespace Pod Security labels decide level and mode', async () => {
  const { report } = await scanJson([EXAMPLES, '--rules', 'pss.*']);
  // shop enforces baseline and warns restricted: capabilities drop ALL is a restricted-only control.
  const orders = report.findings.filter((f) => f.target.name === 'orders');
  assert.ok(
    orders.some((f) => /warn=restricted/.test(f.detail)),
    JSON.stringify(orders.map((f) => f.detail)),
  );
  const privileged = report.findings.find(
    (f) => f.ruleId === 'pss.privileged' && f.target.name === 'log-agent',
  );
  assert.match(privileged?.detail ?? '', /enforce=baseline/);
});

test('--rules selects checks by id glob', async () => {
  const { report } = await scanJson([EXAMPLES, '--rules', 'pss.host-*,pss.privileged']);
  assert.ok(report.findings.length > 0);
  for (const f of report.findings) assert.match(f.ruleId, /^pss\.(host-.*|privileged)$/);
});

test('--fail-on turns findings into exit code 1, stdin is read with -', async () => {
  const pod =
    'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n  containers: [{name: c, image: nginx:1.27}]\n';
  const { run } = await scanJson(['-', '--fail-on', 'high'], pod);
  assert.equal(run.code, 1);
  const ok = await scanJson(
    ['-', '--rules', 'pss.*', '--pss-level', 'baseline', '--fail-on', 'critical'],
    pod.replace('hostNetwork: true', 'hostNetwork: false'),
  );
  assert.equal(ok.run.code, 0);
});

test('bad input: syntax errors are warnings with file:line:col, unreadable paths exit 3, bad flags exit 2', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kw-bad-'));
  await writeFile(join(dir, 'bad.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: [x\n');
  await writeFile(join(dir, 'good.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n');
  const { run, report } = await scanJson([dir]);
  assert.equal(run.code, 0);
  assert.equal(report.problems.length, 1);
  assert.match(run.stderr, /bad\.yaml:\d+:\d+: YAML syntax error/);
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');

  const missing = await cli(['scan', join(dir, 'nope.yaml')]);
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /^kubeward: error: .*nope\.yaml: cannot read: ENOENT\n$/);

  const onlyBad = await cli(['scan', join(dir, 'bad.yaml'), '--format', 'json']);
  assert.equal(onlyBad.code, 3);

  assert.equal((await cli(['scan', dir, '--format', 'pdf'])).code, 2);
  assert.equal((await cli(['scan', dir, '--pss-version', '1.2'])).code, 2);
  assert.equal((await cli(['scan', dir, '--fail-on', 'urgent'])).code, 2);
});

test('configuration: unknown keys and wrong types name the key path; exceptions waive and expire', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kw-config-'));
  await writeFile(join(dir, 'typo.yaml'), 'rules:\n  disable: [x]\n');
  const typo = await cli(['scan', EXAMPLES, '--config', join(dir, 'typo.yaml')]);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /typo\.yaml: rules: unknown key disable/);
  await writeFile(join(dir, 'type.yaml'), 'settings:\n  allowedRegistries: mcr.microsoft.com\n');
  const wrongType = await cli(['scan', EXAMPLES, '--config', join(dir, 'type.yaml')]);
  assert.equal(wrongType.code, 2);
  assert.match(wrongType.stderr, /settings\.allowedRegistries: /);

  await writeFile(
    join(dir, 'exceptions.yaml'),
    [
      'exceptions:',
      '  - rule: pss.*',
      '    match: { kind: DaemonSet, name: log-agent }',
      '    reason: reviewed',
      '    expires: 2027-01-01',
      '  - rule: pss.*',
      '    match: { name: orders }',
      '    reason: old waiver',
      '    expires: 2026-01-01',
      'rules:',
      '  severity: { pss.privileged: low }',
      '  disabled: [workload.*]',
    ].join('\n'),
  );
  const { report } = await scanJson([EXAMPLES, '--config', join(dir, 'exceptions.yaml')]);
  assert.ok(!report.findings.some((f) => f.ruleId.startsWith('pss.') && f.target.name === 'log-agent'));
  assert.ok(
    report.findings.some((f) => f.ruleId.startsWith('pss.') && f.target.name === 'orders'),
    'expired exception no longer applies',
  );
  assert.ok(
    report.findings.some((f) => f.ruleId === 'config.expired-exception' && /2026-01-01/.test(f.detail)),
  );
  assert.ok(!report.findings.some((f) => f.ruleId.startsWith('workload.')));
});

test('every format renders the examples', async () => {
  for (const format of ['table', 'json', 'sarif', 'html', 'junit']) {
    const run = await cli(['scan', EXAMPLES, '--format', format]);
    assert.equal(run.code, 0, `${format}: ${run.stderr}`);
    assert.ok(run.stdout.length > 100, format);
  }
});

test('the example configuration marks plugins untrusted and allows only its registries', async () => {
  const config = join(EXAMPLES, '..', 'kubeward.yaml');
  const { run, report } = await scanJson([EXAMPLES, '--config', config]);
  assert.equal(run.code, 1, 'failOn: high in the example config');
  const ids = (name: string) => report.findings.filter((f) => f.target.name === name).map((f) => f.ruleId);
  assert.ok(ids('plugin-runner').includes('tenancy.untrusted-without-sandbox'));
  assert.ok(ids('orders').includes('workload.image-registry-not-allowed'));
  assert.ok(!ids('frontend').includes('workload.image-registry-not-allowed'));
  assert.ok(!report.findings.some((f) => f.ruleId === 'workload.image-digest-missing'), 'disabled in config');
  assert.ok(
    !report.findings.some((f) => f.ruleId.startsWith('pss.') && f.target.name === 'log-agent'),
    'waived',
  );
});

test('configuration naming a rule id that does not exist is an error naming the key', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kw-rule-typo-'));
  await writeFile(join(dir, 'disabled.yaml'), 'rules:\n  disabled: [workload.image-digest]\n');
  const disabled = await cli(['scan', EXAMPLES, '--config', join(dir, 'disabled.yaml')]);
  assert.equal(disabled.code, 2);
  assert.match(disabled.stderr, /rules\.disabled\[0\]: "workload\.image-digest" matches no rule id/);
  await writeFile(join(dir, 'severity.yaml'), 'rules:\n  severity: { pss.privileged-typo: low }\n');
  const severity = await cli(['scan', EXAMPLES, '--config', join(dir, 'severity.yaml')]);
  assert.equal(severity.code, 2);
  assert.match(severity.stderr, /rules\.severity\.pss\.privileged-typo: no rule has this id/);
  await writeFile(join(dir, 'glob.yaml'), 'rules:\n  disabled: ["workload.*"]\n');
  assert.equal((await cli(['scan', EXAMPLES, '--config', join(dir, 'glob.yaml')])).code, 0);
});
