// Runtime alerts into the store for the dashboard: `runtime watch --store` and `runtime serve --store` keep one
// row per alert as the record outputs see it (before the deduplication of notifications), in a real SQLite
// store, shown by the dashboard's /api/v1/alerts; a restart of `watch` adds only what is new.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RuntimeAlert } from '../../src/checks/runtime/detector.js';
import { runCli } from '../../src/cli/run.js';
import { fixedClock } from '../../src/core/clock.js';
import { createDashboard } from '../../src/dashboard/index.js';
import { MAX_STORED_MESSAGE, storedAlertOf } from '../../src/serve/alert-sink.js';
import { startServeHttp } from '../../src/serve/http.js';
import { openStore } from '../../src/store/index.js';
import type { StoredAlert } from '../../src/store/model.js';
import { cli } from '../cli/run-cli.js';
import { AUDIT_FIXTURES } from '../checks/runtime/helpers.js';
import { createPki } from './test-ca.js';
import { listeningUrl, postEventList } from './intake-client.js';

const fixture = (...p: string[]): string => join(AUDIT_FIXTURES, ...p);
const clock = fixedClock('2026-11-28T12:00:00Z');

/** What the dashboard's API answers for a store, through the real handler over HTTP. */
async function dashboardAlerts(storePath: string): Promise<StoredAlert[]> {
  const store = await openStore(storePath);
  const http = await startServeHttp({
    host: '127.0.0.1',
    port: 0,
    status: () => ({
      ready: true,
      leader: true,
      passes: 0,
      passErrors: 0,
      watches: [],
      scans: { scanned: 0, failed: 0, skipped: 0, queued: 0, inFlight: 0 },
    }),
    handlers: [createDashboard({ store, clock }).handle],
  });
  try {
    const res = await fetch(`${http.url}/api/v1/alerts`);
    assert.equal(res.status, 200);
    return ((await res.json()) as { alerts: StoredAlert[] }).alerts;
  } finally {
    await http.close();
    await store.close();
  }
}

const key = (a: { rule: string; time: string | null; message: string }): string =>
  `${a.rule} ${a.time ?? ''} ${a.message}`;

test('watch --store: one row per alert written to the output, and a restart adds only what is new', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kw-rt-store-'));
  try {
    const log = join(dir, 'audit.log');
    const out = join(dir, 'alerts.jsonl');
    const storePath = join(dir, 'store.db');
    copyFileSync(fixture('rules', 'pod-exec.alert.jsonl'), log);
    const args = ['runtime', 'watch', log, '--until-eof', '--state', join(dir, 's.json'), '-o', out];
    // A dedup window that would fold the three pod-exec alerts into one notification: the store keeps all.
    args.push('--store', storePath, '--dedup-window', '1h');
    const first = await cli(args);
    assert.equal(first.code, 0, first.stderr);
    await cli(args); // nothing new: nothing stored twice
    appendFileSync(log, readFileSync(fixture('rules', 'pod-port-forward.alert.jsonl')));
    assert.equal((await cli(args)).code, 0);

    const written = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as RuntimeAlert);
    assert.equal(written.length, 5);
    const stored = await dashboardAlerts(storePath);
    assert.deepEqual(stored.map(key).sort(), written.map(key).sort());
    const exec = stored.find((a) => a.rule === 'pod-exec');
    const source = written.find((a) => a.rule === 'pod-exec' && a.time === exec?.time);
    assert.equal(exec?.priority, source?.priority);
    assert.equal(exec?.user, source?.user);
    assert.equal(exec?.namespace, source?.namespace ?? undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('serve --store: alerts from POSTed EventList batches land in the store', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kw-rt-store-serve-'));
  try {
    const storePath = join(dir, 'store.db');
    const pki = createPki();
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
        '--store',
        storePath,
        '--output',
        '/dev/null',
      ],
      {
        stdout: () => undefined,
        stderr: (t) => (stderr += t),
        readStdin: async () => '',
        isTTY: false,
        cwd: dir,
        env: {},
        clock,
        setExitCode: () => undefined,
      },
    );
    const deadline = Date.now() + 10_000;
    const url = await listeningUrl(() => stderr, deadline);
    const sent = await postEventList(url, fixture('rules', 'csr-approved.alert.jsonl'), pki.caPem);
    // The intake answers before the batch is processed: wait for the rows (another reader of the same file).
    for (let n = 0; n < sent && Date.now() < deadline;) {
      await new Promise((r) => setTimeout(r, 20));
      const store = await openStore(storePath);
      n = (await store.alerts()).length;
      await store.close();
    }
    process.emit('SIGTERM');
    assert.equal(await running, 0, stderr);
    assert.match(stderr, /2 events, 2 alerts/);
    const stored = await dashboardAlerts(storePath);
    assert.deepEqual(
      stored.map((a) => a.rule),
      ['csr-approved', 'csr-approved'],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('storedAlertOf: an unusable event time becomes the detection time; messages are bounded', () => {
  const alert: RuntimeAlert = {
    rule: 'pod-exec',
    priority: 'high',
    auditID: 'a1',
    user: 'mallory',
    verb: 'create',
    resource: 'pods',
    namespace: null,
    name: 'web',
    message: 'x'.repeat(MAX_STORED_MESSAGE * 2),
    subresource: 'exec',
    time: 'yesterday-ish',
    sourceIPs: [],
    userAgent: null,
    tags: [],
  };
  const stored = storedAlertOf(alert, clock);
  assert.equal(stored.time, '2026-11-28T12:00:00.000Z');
  assert.equal(stored.message.length, MAX_STORED_MESSAGE + 1);
  assert.equal('namespace' in stored, false);
  assert.equal(stored.user, 'mallory');
  assert.equal(storedAlertOf({ ...alert, time: '2026-11-27T08:00:00Z' }, clock).time, '2026-11-27T08:00:00Z');
});
