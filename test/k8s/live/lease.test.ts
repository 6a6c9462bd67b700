import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeApiServer, kubeconfigFor } from '../../helpers/fake-api-server.js';
import type { FakeApiServer } from '../../helpers/fake-api-server.js';
import { connectKubeClient } from '../../../src/k8s/live/watch-transport.js';
import type { LeaderElectionOptions } from '../../../src/k8s/live/lease.js';
import { createLeaderElector, readLeaseRecord } from '../../../src/k8s/live/lease.js';
import { ConfigError } from '../../../src/core/errors.js';

const servers: FakeApiServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

class ManualClock {
  constructor(public ms = Date.parse('2026-12-06T08:00:00Z')) {}
  now = () => new Date(this.ms);
  advance(seconds: number) {
    this.ms += seconds * 1000;
  }
}

async function setup() {
  const server = await startFakeApiServer({ routes: {}, leases: true });
  servers.push(server);
  const dir = await mkdtemp(join(tmpdir(), 'kw-lease-'));
  const kubeconfig = join(dir, 'config');
  await writeFile(kubeconfig, kubeconfigFor(server.url));
  const client = await connectKubeClient({ kubeconfig, env: {} });
  const events: string[] = [];
  const elector = (
    identity: string,
    clock: ManualClock | { now(): Date },
    extra: Partial<LeaderElectionOptions> = {},
  ) =>
    createLeaderElector(client, {
      namespace: 'kubeward-system',
      name: 'kubeward-serve',
      identity,
      leaseDurationSeconds: 15,
      renewDeadlineSeconds: 10,
      retryPeriodSeconds: 2,
      clock,
      onStartedLeading: () => events.push(`${identity} leads`),
      onStoppedLeading: () => events.push(`${identity} stops`),
      ...extra,
    });
  const lease = () => readLeaseRecord(server.cluster.lease('kubeward-system', 'kubeward-serve'));
  return { server, elector, events, lease, client };
}

test('the first candidate creates the lease; a killed leader is replaced only after the lease duration', async () => {
  const { elector, events, lease } = await setup();
  const clockA = new ManualClock();
  const clockB = new ManualClock(clockA.ms + 3_000_000); // another machine's clock, far ahead: skew must not matter
  const a = elector('pod-a', clockA);
  const b = elector('pod-b', clockB);
  assert.equal(await a.tryAcquireOrRenew(), true);
  assert.equal(await b.tryAcquireOrRenew(), false);
  assert.deepEqual(
    {
      holder: lease().holderIdentity,
      duration: lease().leaseDurationSeconds,
      transitions: lease().leaseTransitions,
    },
    { holder: 'pod-a', duration: 15, transitions: 0 },
  );
  assert.equal(lease().acquireTime, '2026-12-06T08:00:00.000000Z');

  // pod-a renews twice, then is killed (stops renewing). pod-b keeps trying every 2 s.
  let bLedAt: number | undefined;
  for (let second = 2; second <= 40; second += 2) {
    clockA.advance(2);
    clockB.advance(2);
    if (second <= 4) {
      assert.equal(await a.tryAcquireOrRenew(), true);
      assert.equal(lease().renewTime, clockA.now().toISOString().replace('Z', '000Z'));
    }
    if ((await b.tryAcquireOrRenew()) && bLedAt === undefined) bLedAt = second;
  }
  // pod-b saw the last renewal at second 4 and waits 15 s of its own time: it takes over at second 20.
  assert.equal(bLedAt, 20);
  assert.equal(lease().holderIdentity, 'pod-b');
  assert.equal(lease().leaseTransitions, 1);
  assert.deepEqual(events, ['pod-a leads', 'pod-b leads']);

  // pod-a comes back (a paused process): it reads pod-b's fresh record and steps down instead of renewing.
  clockA.advance(30);
  assert.equal(a.isLeader(), true, 'pod-a still believes it leads');
  assert.equal(await a.tryAcquireOrRenew(), false);
  assert.equal(a.isLeader(), false);
  assert.deepEqual(events, ['pod-a leads', 'pod-b leads', 'pod-a stops']);
  assert.equal(lease().holderIdentity, 'pod-b');
});

test('two candidates racing for a free lease: exactly one wins, the write of the other is a 409', async () => {
  const { server, elector, lease, client } = await setup();
  const clock = new ManualClock();
  const first = elector('pod-0', clock);
  assert.equal(await first.tryAcquireOrRenew(), true);
  await first.stop(); // releases: holder cleared
  assert.equal(lease().holderIdentity, '');
  const x = elector('pod-x', clock);
  // pod-y reads the free lease, then pod-x takes it before pod-y writes: pod-y's write carries a stale
  // resourceVersion.
  let interleaved = false;
  const racing = {
    ...client,
    request: async (...args: Parameters<typeof client.request>) => {
      const response = await client.request(...args);
      if (args[0] === 'GET' && !interleaved) {
        interleaved = true;
        assert.equal(await x.tryAcquireOrRenew(), true);
      }
      return response;
    },
  };
  const y = createLeaderElector(racing, {
    namespace: 'kubeward-system',
    name: 'kubeward-serve',
    identity: 'pod-y',
    clock,
  });
  assert.equal(await y.tryAcquireOrRenew(), false);
  assert.equal(y.stats.conflicts, 1);
  assert.equal(server.cluster.leaseConflicts, 1);
  assert.equal(lease().holderIdentity, 'pod-x');
  assert.equal(lease().leaseTransitions, 1);
});

test('a leader that cannot reach the API steps down at the renew deadline, before the lease could expire', async () => {
  const { server, elector, events } = await setup();
  const clock = new ManualClock();
  const warnings: string[] = [];
  const a = elector('pod-a', clock, { onWarning: (w) => warnings.push(w) });
  assert.equal(await a.tryAcquireOrRenew(), true);
  const real = server.cluster.handleLease.bind(server.cluster);
  server.cluster.handleLease = (_req, res) => {
    res.writeHead(500, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', code: 500, message: 'etcdserver: request timed out' }));
    return true;
  };
  const steps: boolean[] = [];
  for (let i = 0; i < 6; i++) {
    clock.advance(2);
    steps.push(await a.tryAcquireOrRenew());
  }
  assert.deepEqual(steps, [true, true, true, true, false, false], 'leads until 10 s without renewal, not 15');
  assert.deepEqual(events, ['pod-a leads', 'pod-a stops']);
  assert.match(warnings[0] ?? '', /reading lease kubeward-serve: 500 etcdserver: request timed out/);
  server.cluster.handleLease = real;
});

test('run(): a leader stopped gracefully releases the lease and the other takes over within a retry period', async () => {
  const { elector, events, lease } = await setup();
  const clock = { now: () => new Date() };
  const timing = { leaseDurationSeconds: 30, renewDeadlineSeconds: 20, retryPeriodSeconds: 0.05 };
  const a = elector('pod-a', clock, timing);
  const runA = a.run();
  while (!a.isLeader()) await new Promise((resolve) => setTimeout(resolve, 5));
  const b = elector('pod-b', clock, timing);
  const runB = b.run();
  await new Promise((resolve) => setTimeout(resolve, 150));
  assert.equal(b.isLeader(), false);
  const stoppedAt = Date.now();
  await a.stop();
  await runA;
  while (!b.isLeader()) await new Promise((resolve) => setTimeout(resolve, 5));
  assert.ok(Date.now() - stoppedAt < 5_000, 'no wait for the 30 s lease duration');
  assert.equal(lease().holderIdentity, 'pod-b');
  await b.stop({ release: false });
  await runB;
  assert.equal(lease().holderIdentity, 'pod-b', 'release: false keeps the record');
  assert.deepEqual(events, ['pod-a leads', 'pod-a stops', 'pod-b leads', 'pod-b stops']);
});

test('timings that would let two leaders overlap are refused', () => {
  assert.throws(
    () =>
      createLeaderElector({} as never, {
        namespace: 'n',
        name: 'l',
        identity: 'x',
        leaseDurationSeconds: 10,
        renewDeadlineSeconds: 10,
        clock: { now: () => new Date() },
      }),
    (error: unknown) =>
      error instanceof ConfigError && /leaseDuration \(10s\) > renewDeadline \(10s\)/.test(error.message),
  );
});
