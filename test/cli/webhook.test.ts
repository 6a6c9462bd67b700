import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { registerWebhook } from '../../src/cli/commands/webhook.js';
import type { CliContext } from '../../src/cli/context.js';
import { fixedClock } from '../../src/core/clock.js';
import { kubectlObject } from '../admission/kubectl-fixtures.js';
import { reviewFor } from '../admission/reviews.js';
import { json, send } from '../server/https-client.js';
import { createTestCa } from '../helpers/test-ca.js';
import { cli } from './run-cli.js';

test('webhook serve: HTTPS on --listen with --tls-cert/--tls-key, decisions as JSON lines, drains on the stop signal', async () => {
  const ca = createTestCa();
  const pair = ca.issue('cli-webhook');
  const config = join(ca.dir, 'webhook.yaml');
  await writeFile(
    config,
    'namespaces:\n  labels:\n    shop: { pod-security.kubernetes.io/enforce: baseline }\n',
  );
  let stdout = '';
  let stderr = '';
  let listening: (url: string) => void = () => undefined;
  const ready = new Promise<string>((resolve) => (listening = resolve));
  const ctx: CliContext = {
    stdout: (t) => (stdout += t),
    stderr: (t) => {
      stderr += t;
      const m = /listening on (https:\/\/\S+)/.exec(t);
      if (m?.[1]) listening(m[1]);
    },
    readStdin: async () => '',
    isTTY: false,
    cwd: ca.dir,
    env: {},
    clock: fixedClock('2026-11-28T12:00:00Z'),
    setExitCode: () => undefined,
  };
  let stop: (name: string) => void = () => undefined;
  const program = new Command('kubeward').exitOverride();
  registerWebhook(program, ctx, () => new Promise((resolve) => (stop = resolve)));
  const running = program.parseAsync(
    [
      'webhook',
      'serve',
      '--config',
      'webhook.yaml',
      '--listen',
      '127.0.0.1:0',
      '--tls-cert',
      pair.certFile,
      '--tls-key',
      pair.keyFile,
    ],
    { from: 'user' },
  );
  const url = await ready;
  const pod = kubectlObject('pod-debug') as { spec: Record<string, unknown> };
  pod.spec['hostNetwork'] = true;
  const reply = await send(`${url}/validate`, {
    ca: ca.caPem,
    body: JSON.stringify(reviewFor(pod, { uid: 'cli-1' })),
  });
  assert.equal(json<{ response: { allowed: boolean } }>(reply).response.allowed, false);
  stop('SIGTERM');
  await running;
  const record = JSON.parse(stdout.trim().split('\n')[0] ?? '{}') as Record<string, unknown>;
  assert.equal(record['time'], '2026-11-28T12:00:00.000Z');
  assert.equal(record['uid'], 'cli-1');
  assert.equal(record['allowed'], false);
  assert.match(stderr, /SIGTERM: draining in-flight requests\n.*stopped/s);
});

test('webhook serve: configuration and usage errors exit 2', async () => {
  const ca = createTestCa();
  const config = join(ca.dir, 'bad.yaml');
  await writeFile(config, 'images:\n  verify: [{ images: [registry.example.com], verifier: cosign }]\n');
  const pair = ca.issue('x');
  const unknownVerifier = await cli(
    ['webhook', 'serve', '--config', config, '--tls-cert', pair.certFile, '--tls-key', pair.keyFile],
    { cwd: ca.dir },
  );
  assert.equal(unknownVerifier.code, 2);
  assert.match(unknownVerifier.stderr, /images\.verify\[0\]\.verifier: "cosign" is not available/);
  await writeFile(config, 'server: { listen: 127.0.0.1:0 }\n');
  const noTls = await cli(['webhook', 'serve', '--config', config]);
  assert.equal(noTls.code, 2);
  assert.match(noTls.stderr, /no TLS certificate/);
  assert.equal((await cli(['webhook', 'serve', '--config', config, '--tls-cert', pair.certFile])).code, 2);
});
