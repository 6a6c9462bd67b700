// `kubeward serve` feeding the dashboard end to end, through the real command and its flags: origin of each
// scanned digest (a Notation signature checked against the trust policy, the build ledger in the store and in
// a published file) and runtime alerts from a followed, growing audit log, resumed without duplicates after a
// restart. Real docker-registry, real SQLite store, the dashboard's JSON API over HTTP.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import type { CliContext } from '../../src/cli/context.js';
import { registerServe } from '../../src/cli/commands/serve.js';
import { fixedClock, systemClock } from '../../src/core/clock.js';
import { parseReference } from '../../src/image/index.js';
import { parseCertificates } from '../../src/signing/certs.js';
import { loadPrivateKey, signImage } from '../../src/signing/notation/index.js';
import { openStore } from '../../src/store/index.js';
import type { StoredAlert } from '../../src/store/model.js';
import type { RunningRegistry } from '../image/helpers/registry.js';
import type { FakeApiServer } from '../helpers/fake-api-server.js';
import { type TestPki, makePki, policy } from '../signing/pki.js';
import { PODS, buildImages, runningPod, startFakeCluster, startTestRegistry, writeDb } from './fixtures.js';
import { testContext } from '../cli/run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'kw-serve-feeds-'));
const dbPath = join(work, 'vulndb.sqlite');
const auditLog = join(work, 'audit.log');
const fixture = (name: string): string =>
  readFileSync(join(import.meta.dirname, '../fixtures/audit/rules', name), 'utf8');
let registry: RunningRegistry;
let images: Awaited<ReturnType<typeof buildImages>>;
let api: FakeApiServer;
let kubeconfig: string;
let pki: TestPki;

before(async () => {
  registry = await startTestRegistry(work);
  images = await buildImages(work, registry);
  ({ api, kubeconfig } = await startFakeCluster(work));
  await writeDb(work, dbPath, 1, '2026-12-01T00:00:00Z');
  pki = makePki(join(work, 'pki'));
  // a is signed by a signer the policy trusts; b is only in the published ledger file; c has nothing.
  await signImage(parseReference(`${images.a.repository}@${images.a.digest}`), {
    key: loadPrivateKey(readFileSync(pki.ec.key), 'key'),
    chain: parseCertificates(readFileSync(pki.ec.chain), 'chain'),
    format: 'jws',
    // As test/scan/provenance.test.ts: signed just after the certificates' notBefore.
    clock: fixedClock(new Date(Date.now() + 60_000).toISOString()),
    access: { insecure: true, dockerConfig: false },
  });
  writeFileSync(join(work, 'trustpolicy.json'), JSON.stringify(policy('strict')));
  writeFileSync(
    join(work, 'ledger.jsonl'),
    `${JSON.stringify({ digest: images.b.digest, repository: images.b.repository, pipeline: 'github:org/b#run=7', recordedAt: '2026-12-01T00:00:00.000Z' })}\n`,
  );
  for (const [name, image] of [
    ['a-1', images.a],
    ['b-1', images.b],
    ['c-1', images.c],
  ] as const)
    api.cluster.upsert(PODS, runningPod('shop', name, image));
});
const stops: (() => void)[] = [];
after(async () => {
  for (const stop of stops) stop();
  await api?.close();
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

interface RunningServe {
  url: string;
  stderr: () => string;
  stop(): Promise<void>;
}

/** The real `serve` command in-process; it runs until `stop`, as it would until SIGTERM. */
async function startServeCommand(args: string[]): Promise<RunningServe> {
  let stderr = '';
  const ctx: CliContext = {
    stdout: () => undefined,
    stderr: (t) => (stderr += t),
    readStdin: async () => '',
    isTTY: false,
    cwd: work,
    env: {},
    // Signatures are checked against now: the certificates of makePki are valid from now on.
    clock: systemClock,
    setExitCode: () => undefined,
  };
  let release: (name: string) => void = () => undefined;
  const stopped = new Promise<string>((resolve) => (release = resolve));
  stops.push(() => release('test end'));
  const program = new Command().exitOverride();
  registerServe(program, ctx, () => stopped);
  const done = program.parseAsync(
    [
      'serve',
      '--kubeconfig',
      kubeconfig,
      '--db',
      dbPath,
      '--listen',
      '127.0.0.1:0',
      '--insecure-registry',
      registry.host,
      '--no-cache',
      '--debounce',
      '50ms',
      ...args,
    ],
    { from: 'user' },
  );
  const failed = done.then(
    () => new Error(`serve ended early: ${stderr}`),
    (e: unknown) => e,
  );
  const deadline = Date.now() + 20_000;
  while (!/listening on (\S+)/.test(stderr)) {
    if (Date.now() > deadline) throw new Error(`serve did not start: ${stderr}`);
    const early = await Promise.race([failed, new Promise((r) => setTimeout(() => r(undefined), 20))]);
    if (early) throw early;
  }
  return {
    url: /listening on (\S+)/.exec(stderr)?.[1] ?? '',
    stderr: () => stderr,
    async stop() {
      release('SIGTERM');
      await done;
    },
  };
}

async function getApi<T>(url: string, name: string): Promise<T> {
  const res = await fetch(`${url}/api/v1/${name}`);
  assert.equal(res.status, 200, `${name}: ${res.status}`);
  return (await res.json()) as T;
}

async function until(what: string, condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

interface OriginsPayload {
  images: { repository: string; digest: string; origin: string; pipeline: string | null }[];
}

test('serve --trust-policy/--trust-store/--ledger stores each digest origin; the dashboard lists unsigned and unknown', async () => {
  const storePath = join(work, 'origin.db');
  const serve = await startServeCommand([
    '--store',
    storePath,
    '--trust-policy',
    'trustpolicy.json',
    '--trust-store',
    pki.trustStore,
    '--ledger',
    'ledger.jsonl',
  ]);
  try {
    const store = await openStore(storePath);
    try {
      await until('three digests scanned', async () => (await store.latestImageScans()).length === 3);
      const origin = async (digest: string) => (await store.imageScans(digest, 1))[0]?.origin;
      assert.equal(await origin(images.a.digest), 'signed', serve.stderr());
      assert.equal(await origin(images.b.digest), 'ledger');
      assert.equal(await origin(images.c.digest), 'unknown');
      // Without --cluster-name the kubeconfig's current context names the cluster.
      const clusters = new Set((await store.workloads()).map((w) => w.cluster));
      assert.deepEqual([...clusters], ['fake'], serve.stderr());
      assert.match(serve.stderr(), /as cluster "fake"/);
    } finally {
      await store.close();
    }
    const { images: rows } = await getApi<OriginsPayload>(serve.url, 'origins');
    assert.deepEqual(
      rows.map((r) => `${r.digest} ${r.origin} ${r.pipeline ?? '-'}`),
      [`${images.c.digest} unknown -`, `${images.b.digest} ledger -`],
      'the signed image is not listed; unknown first',
    );
  } finally {
    await serve.stop();
  }
});

test('without origin flags origin stays unset ("not verified"); a restart with --ledger assesses it, the store ledger included', async () => {
  const storePath = join(work, 'store-ledger.db');
  const seeded = await openStore(storePath);
  await seeded.recordBuild({
    digest: images.c.digest,
    repository: images.c.repository,
    pipeline: 'gitlab:group/c#pipeline=3',
    recordedAt: '2026-12-01T00:00:00.000Z',
  });
  await seeded.close();

  const plain = await startServeCommand(['--store', storePath, '--cluster-name', 'prod-eu']);
  try {
    const store = await openStore(storePath);
    try {
      await until('three digests scanned', async () => (await store.latestImageScans()).length === 3);
      assert.deepEqual(
        (await store.latestImageScans()).map((s) => s.origin),
        [undefined, undefined, undefined],
      );
      assert.ok((await store.workloads('prod-eu')).length > 0, '--cluster-name names the stored workloads');
      assert.deepEqual(await store.workloads('fake'), []);
    } finally {
      await store.close();
    }
    const { images: rows } = await getApi<OriginsPayload>(plain.url, 'origins');
    assert.deepEqual(
      rows.map((r) => r.origin),
      ['unchecked', 'unchecked', 'unchecked'],
    );
    const html = await (await fetch(`${plain.url}/origins`)).text();
    assert.equal(html.match(/not verified/g)?.length, 3, 'the page says the origin was not assessed');
    assert.doesNotMatch(html, /unknown origin/);
  } finally {
    await plain.stop();
  }

  // Same database build: the scans stand, but the origin now asked for is missing, so the first pass assesses it.
  const withLedger = await startServeCommand(['--store', storePath, '--ledger', 'ledger.jsonl']);
  try {
    const store = await openStore(storePath);
    try {
      const origin = async (digest: string) => (await store.imageScans(digest, 1))[0]?.origin;
      await until('origins assessed', async () =>
        (await store.latestImageScans()).every((s) => s.origin !== undefined),
      );
      assert.equal(await origin(images.c.digest), 'ledger', 'from the store ledger');
      assert.equal(await origin(images.b.digest), 'ledger', 'from the ledger file');
      assert.equal(await origin(images.a.digest), 'unknown', 'signatures are not looked at without a policy');
      assert.equal((await store.imageScans(images.a.digest, 10)).length, 2, 'assessed once, not again');
    } finally {
      await store.close();
    }
    const { images: rows } = await getApi<OriginsPayload>(withLedger.url, 'origins');
    assert.deepEqual(
      rows.map((r) => `${r.digest} ${r.origin} ${r.pipeline ?? '-'}`),
      [
        `${images.a.digest} unknown -`,
        `${images.b.digest} ledger -`,
        `${images.c.digest} ledger gitlab:group/c#pipeline=3`,
      ],
    );
  } finally {
    await withLedger.stop();
  }
});

test('serve --audit-log follows a growing log into the store and /api/v1/alerts; a restart adds no duplicates', async () => {
  const storePath = join(work, 'alerts.db');
  const state = join(work, 'audit-position.json');
  writeFileSync(auditLog, fixture('pod-exec.alert.jsonl'));
  const args = ['--store', storePath, '--audit-log', auditLog, '--audit-state', state];
  const alertsOf = async (url: string) => (await getApi<{ alerts: StoredAlert[] }>(url, 'alerts')).alerts;
  const rulesOf = (alerts: StoredAlert[]) => alerts.map((a) => a.rule).sort();

  const first = await startServeCommand(args);
  try {
    await until('pod-exec alerts', async () => (await alertsOf(first.url)).length >= 3);
    // The log grows while serve follows it.
    appendFileSync(auditLog, fixture('csr-approved.alert.jsonl'));
    await until('csr alerts', async () => (await alertsOf(first.url)).length >= 5);
    const alerts = await alertsOf(first.url);
    assert.deepEqual(rulesOf(alerts), ['csr-approved', 'csr-approved', 'pod-exec', 'pod-exec', 'pod-exec']);
    assert.ok(
      alerts.every((a) => a.user && a.message && !Number.isNaN(Date.parse(a.time))),
      JSON.stringify(alerts),
    );
  } finally {
    await first.stop();
  }
  // Written while serve was down, read after the restart; what was read before is not read again.
  appendFileSync(auditLog, fixture('pod-port-forward.alert.jsonl'));
  const portForward = fixture('pod-port-forward.alert.jsonl').trim().split('\n').length;
  const second = await startServeCommand(args);
  try {
    await until('port-forward alerts', async () => (await alertsOf(second.url)).length >= 5 + portForward);
    // Give a duplicate re-read the time to show up before counting.
    await new Promise((r) => setTimeout(r, 500));
    const alerts = await alertsOf(second.url);
    assert.equal(alerts.length, 5 + portForward, JSON.stringify(rulesOf(alerts)));
    assert.equal(alerts.filter((a) => a.rule === 'pod-exec').length, 3, 'no duplicates after the restart');
  } finally {
    await second.stop();
  }
});

test('serve: --audit-state without --audit-log and half a trust configuration are usage errors', async () => {
  for (const [args, message] of [
    [['--audit-state', 'x.json'], /--audit-state and --audit-rules need --audit-log/],
    [['--trust-policy', 'trustpolicy.json'], /--trust-policy and --trust-store go together/],
  ] as const) {
    const program = new Command().exitOverride();
    registerServe(
      program,
      testContext({ cwd: work, clock: systemClock }),
      () => new Promise(() => undefined),
    );
    await assert.rejects(
      program.parseAsync(['serve', '--kubeconfig', kubeconfig, ...args], { from: 'user' }),
      message,
    );
  }
});
