// The decision log never blocks admission: the real `kubeward webhook serve` in a child process, its stdout a
// real pipe that the test either reads (slowly) or never reads at all.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { kubectlObject } from '../admission/kubectl-fixtures.js';
import { reviewFor } from '../admission/reviews.js';
import type { TestCa } from '../helpers/test-ca.js';
import { createTestCa } from '../helpers/test-ca.js';
import { json, send } from './https-client.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const REVIEWS = 2000;
const children: ChildProcess[] = [];

after(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

interface Served {
  url: string;
  child: ChildProcess;
  stderr: () => string;
  /** Sends SIGTERM and resolves with the exit code and how long the exit took. */
  stop: () => Promise<{ code: number | null; ms: number }>;
}

async function serve(
  ca: TestCa,
  stdout: 'slow-reader' | 'never-read',
  extra: string[] = [],
): Promise<Served> {
  const pair = ca.issue(`decision-log-${stdout}`);
  const config = join(ca.dir, 'webhook.yaml');
  await writeFile(
    config,
    'namespaces:\n  labels:\n    shop: { pod-security.kubernetes.io/enforce: baseline }\n',
  );
  const child = spawn(
    process.execPath,
    [
      ...['--import', 'tsx', join(REPO, 'src/cli/main.ts'), 'webhook', 'serve', '--config', config],
      ...['--listen', '127.0.0.1:0', '--tls-cert', pair.certFile, '--tls-key', pair.keyFile, ...extra],
    ],
    { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const m = /listening on (https:\/\/\S+)/.exec(stderr);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`webhook exited ${code}: ${stderr}`)));
  });
  const stop = async () => {
    const started = performance.now();
    const exited = new Promise<number | null>((resolve) => {
      if (child.exitCode !== null) resolve(child.exitCode);
      else child.once('exit', (code) => resolve(code));
    });
    child.kill('SIGTERM');
    const code = await exited;
    return { code, ms: performance.now() - started };
  };
  return { url, child, stderr: () => stderr, stop };
}

/** A pod that baseline denies, so every review writes one decision record. */
function deniedReview(uid: string): string {
  const pod = kubectlObject('pod-debug') as { spec: Record<string, unknown> };
  pod.spec['hostNetwork'] = true;
  return JSON.stringify(reviewFor(pod, { uid }));
}

/** Sends the reviews one after another over one keep-alive connection; returns each latency in ms. */
async function drive(served: Served, ca: TestCa, uids: string[]): Promise<number[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const latencies: number[] = [];
  try {
    for (const uid of uids) {
      const started = performance.now();
      const reply = await send(`${served.url}/validate`, { ca: ca.caPem, agent, body: deniedReview(uid) });
      latencies.push(performance.now() - started);
      assert.equal(reply.status, 200);
      const { response } = json<{ response: { uid: string; allowed: boolean } }>(reply);
      assert.equal(response.uid, uid);
      assert.equal(response.allowed, false);
    }
  } finally {
    agent.destroy();
  }
  return latencies;
}

function p99(latencies: number[]): number {
  const sorted = [...latencies].sort((a, b) => a - b);
  return sorted[Math.ceil(sorted.length * 0.99) - 1] ?? Infinity;
}

async function metric(served: Served, ca: TestCa, name: string): Promise<number> {
  const reply = await send(`${served.url}/metrics`, { ca: ca.caPem, method: 'GET' });
  const line = reply.body.split('\n').find((l) => l.startsWith(`${name} `));
  assert.ok(line, `${name} missing from /metrics`);
  return Number(line.split(' ')[1]);
}

// Measured by the first test, in the same run: the floor the stalled run is compared with (the machine is shared).
let readingP99 = Infinity;

test('with a reading consumer (slow, so the log pushes back) no record is lost and the order is kept', async () => {
  const ca = createTestCa();
  const served = await serve(ca, 'slow-reader');
  // Read in bursts with pauses: the pipe fills between them, so the log waits for 'drain' again and again.
  let stdout = '';
  const reader = served.child.stdout;
  assert.ok(reader);
  reader.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    reader.pause();
    setTimeout(() => reader.resume(), 5);
  });
  const uids = Array.from({ length: REVIEWS }, (_, i) => `ordered-${i}`);
  const latencies = await drive(served, ca, uids);
  readingP99 = p99(latencies);
  assert.equal(await metric(served, ca, 'kubeward_decision_log_dropped_total'), 0);
  const ended = reader.readableEnded ? Promise.resolve() : once(reader, 'end');
  const { code } = await served.stop();
  assert.equal(code, 0);
  await ended;
  const records = stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { uid: string; allowed: boolean; event: string });
  assert.deepEqual(
    records.map((r) => r.uid),
    uids,
  );
  assert.ok(records.every((r) => r.event === 'decision' && !r.allowed));
  console.log(`reading consumer: ${REVIEWS} reviews, p99 ${readingP99.toFixed(1)} ms`);
});

test('with a reader that never reads, every review is answered promptly and drops are counted in /metrics', async () => {
  const ca = createTestCa();
  // A queue far smaller than the 2,000 records (about 0.5 MB, the pipe holds 64 KiB) so it overflows here.
  const served = await serve(ca, 'never-read', ['--decision-log-queue', '200']);
  // The pipe is never read: nothing listens for data and the stream stays paused.
  served.child.stdout?.pause();
  const uids = Array.from({ length: REVIEWS }, (_, i) => `stalled-${i}`);
  const latencies = await drive(served, ca, uids);
  const stalledP99 = p99(latencies);
  console.log(
    `stalled reader: ${REVIEWS} reviews, p99 ${stalledP99.toFixed(1)} ms (reading consumer, same run: ${readingP99.toFixed(1)} ms)`,
  );
  assert.equal(latencies.length, REVIEWS);
  // 50 ms is the target; a busy shared machine gets the reading consumer's own p99 (x3) as the allowance.
  assert.ok(
    stalledP99 < Math.max(50, readingP99 * 3),
    `p99 ${stalledP99.toFixed(1)} ms with a stalled log reader (reading consumer: ${readingP99.toFixed(1)} ms)`,
  );
  const dropped = await metric(served, ca, 'kubeward_decision_log_dropped_total');
  assert.ok(dropped > 0, 'no record was dropped although the reader never read');
  assert.ok(dropped < REVIEWS, `${dropped} dropped: the pipe and the queue should have taken some`);
  assert.ok((await metric(served, ca, 'kubeward_decision_log_queued_records')) <= 200);
  assert.equal(served.stderr().match(/decision log reader is not keeping up/g)?.length, 1);
  // Shutdown tries to flush the queue for a bounded time (5 s), then exits although the pipe is still full.
  const { code, ms } = await served.stop();
  assert.equal(code, 0);
  assert.ok(ms < 10_000, `shutdown took ${ms.toFixed(0)} ms`);
  assert.match(served.stderr(), /\d+ decision records dropped \(log reader stalled\)/);
});
