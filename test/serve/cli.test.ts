import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cli } from '../cli/run-cli.js';

test('serve: bad flags are one-line usage errors (exit 2) before anything starts', async () => {
  const cases = [
    { args: ['--interval', 'soon'], message: /--interval: expected a positive duration/ },
    { args: ['--debounce', '0s'], message: /--debounce/ },
    { args: ['--listen', 'nowhere'], message: /listen address "nowhere"/ },
    { args: ['--tls-cert', 'a.pem'], message: /--tls-cert and --tls-key go together/ },
    { args: ['--namespace', 'Bad_NS'], message: /--namespace: "Bad_NS"/ },
    { args: ['--cluster-name', ''], message: /--cluster-name: must not be empty/ },
    { args: ['--cluster-name', 'x'.repeat(254)], message: /--cluster-name: must be at most 253 characters/ },
    { args: ['--cluster-name', 'a\u001bb'], message: /--cluster-name: must not contain control characters/ },
    {
      args: ['--leader-elect', '--lease-duration', '5s', '--renew-deadline', '5s'],
      message: /--lease-duration \(5s\) > --renew-deadline \(5s\)/,
    },
    { args: ['--trust-policy', 'policy.json'], message: /--trust-policy and --trust-store go together/ },
    { args: ['--audit-state', 'pos.json'], message: /--audit-state and --audit-rules need --audit-log/ },
    {
      args: ['--audit-log', 'audit.log', '--audit-rules', '/nonexistent/rules.yaml'],
      message: /\/nonexistent\/rules\.yaml: cannot read: ENOENT/,
    },
  ];
  for (const c of cases) {
    const run = await cli(['serve', '--kubeconfig', '/nonexistent/kubeconfig', ...c.args]);
    assert.equal(run.code, 2, `${c.args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, c.message);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
  }
});

test('serve: a kubeconfig that cannot be read is a configuration error naming the file', async () => {
  const run = await cli([
    'serve',
    '--kubeconfig',
    '/nonexistent/kubeconfig',
    '--store',
    '/nonexistent/dir/store.db',
  ]);
  assert.equal(run.code, 2, run.stderr);
  assert.match(run.stderr, /\/nonexistent\/kubeconfig/);
});
