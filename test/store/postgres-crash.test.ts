// A replica killed in the middle of a transaction against the shared PostgreSQL store: what it committed
// stays, the half-written transaction is gone, and the next replica resumes the run from the store.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { openStore } from '../../src/store/index.js';
import type { RunningPostgres } from '../helpers/postgres.js';
import { postgresUnavailable, startPostgres } from '../helpers/postgres.js';
import { CRASH_RUN, crashScan } from './helpers/crash-records.js';
import { LISTED, SCANNED_BEFORE_CRASH } from './helpers/replica.js';

const REPLICA = new URL('./helpers/replica.ts', import.meta.url).pathname;
const skip = postgresUnavailable();
let server: RunningPostgres;
before(async () => {
  if (!skip) server = await startPostgres();
});
after(async () => server?.stop());

function startReplica(url: string, mode: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', REPLICA, url, mode], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => ({ stdout, stderr }) };
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test(
  'postgres: a replica killed mid-transaction loses nothing committed, and the next one resumes',
  { skip },
  async () => {
    const url = await server.createDatabase();
    const crashing = startReplica(`${url}?application_name=kw-replica-crash`, 'crash');
    await until('the replica to commit its first scans', async () => {
      const { code } = { code: crashing.child.exitCode };
      if (code !== null) throw new Error(`replica exited early: ${crashing.output().stderr}`);
      return crashing.output().stdout.includes(`committed ${SCANNED_BEFORE_CRASH}`);
    });
    // Kill once the relisting transaction has written rows that are not committed (it has a transaction id).
    const writing = async () =>
      (
        await server.query<{ n: string }>(
          "SELECT count(*)::text AS n FROM pg_stat_activity WHERE application_name = 'kw-replica-crash' AND backend_xid IS NOT NULL",
        )
      )[0]?.n === '1';
    await until('the relisting transaction to write', writing);
    crashing.child.kill('SIGKILL');
    assert.equal((await crashing.exited).signal, 'SIGKILL');
    assert.ok(
      !crashing.output().stdout.includes('relisting committed'),
      'killed too late: the transaction committed',
    );
    // The server rolls the transaction back when it sees the connection gone.
    await until(
      'the killed backend to end',
      async () =>
        (
          await server.query<{ n: string }>(
            "SELECT count(*)::text AS n FROM pg_stat_activity WHERE application_name = 'kw-replica-crash'",
          )
        )[0]?.n === '0',
    );

    const store = await openStore(url);
    try {
      for (let i = 0; i < SCANNED_BEFORE_CRASH; i++) {
        assert.deepEqual(await store.imageScans(crashScan(i).digest, 5), [crashScan(i)]);
      }
      assert.deepEqual(await store.imageScans(crashScan(SCANNED_BEFORE_CRASH).digest), []);
      const items = await store.runItems(CRASH_RUN.id);
      assert.equal(items.length, LISTED, 'the half-written relisting is absent');
      assert.equal(items.filter((i) => i.done).length, SCANNED_BEFORE_CRASH);
      assert.deepEqual(await store.unfinishedRun(CRASH_RUN.target), CRASH_RUN);

      const resuming = startReplica(`${url}?application_name=kw-replica-resume`, 'resume');
      const exit = await resuming.exited;
      assert.deepEqual(exit, { code: 0, signal: null }, resuming.output().stderr);
      assert.equal(resuming.output().stdout, `resumed ${LISTED - SCANNED_BEFORE_CRASH}\n`);

      for (let i = 0; i < LISTED; i++) {
        assert.deepEqual(
          await store.imageScans(crashScan(i).digest, 5),
          [crashScan(i)],
          `digest ${i} scanned once`,
        );
      }
      assert.ok((await store.runItems(CRASH_RUN.id)).every((i) => i.done));
      assert.equal(await store.unfinishedRun(CRASH_RUN.target), undefined);
      assert.equal((await store.recentRuns(1))[0]?.finishedAt, '2026-03-01T01:00:00Z');
    } finally {
      await store.close();
    }
  },
);
