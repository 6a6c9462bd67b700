// Crash safety of the embedded store: a writer SIGKILLed mid-write (several times over) leaves every committed
// record intact and no partial one, because each write is one WAL transaction.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { openStore } from '../../src/store/index.js';
import { CRASH_RUN, ITEMS_PER_BATCH, crashScan } from './helpers/crash-records.js';

const WRITER = new URL('./helpers/crash-writer.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'kw-store-crash-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Starts the writer at record `first`, lets it commit `records` more, then kills it at a random moment. */
async function writeAndKill(path: string, first: number, records: number): Promise<number> {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, path, String(first)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let last = first - 1;
  let buffered = '';
  const exited = new Promise<NodeJS.Signals | null>((resolve) =>
    child.on('exit', (_code, signal) => resolve(signal)),
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) last = Number(line.replace('committed ', ''));
      if (last >= first + records && child.exitCode === null && child.signalCode === null) {
        // A random delay so the kill lands anywhere in the loop: inside a transaction most of the time.
        setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, Math.random() * 15);
      }
    });
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited early (${code ?? signal}): ${stderr}`));
    });
  });
  assert.equal(await exited, 'SIGKILL');
  return last;
}

test('sqlite: a writer killed mid-write loses no committed record and leaves no partial one', async () => {
  const path = join(dir, 'store.db');
  let next = 0;
  let lastCommitted = -1;
  for (let round = 0; round < 3; round++) {
    lastCommitted = await writeAndKill(path, next, 15);
    // The record after the last reported one may have committed before the report was printed.
    const store = await openStore(path);
    const maybe = lastCommitted + 1;
    const maybeScan = await store.imageScans(crashScan(maybe).digest);
    const maybeItems = (await store.runItems(CRASH_RUN.id)).filter(
      (i) => i.repository === crashScan(maybe).repository,
    );
    assert.ok(
      maybeScan.length === 0 || (maybeScan.length === 1 && maybeScan[0]?.vulnerabilities.length === 200),
    );
    assert.ok(
      maybeItems.length === 0 || maybeItems.length === ITEMS_PER_BATCH,
      `partial batch: ${maybeItems.length}`,
    );
    await store.close();
    // The next writer starts at the uncertain record: written twice is fine, skipped would not be.
    next = maybe;
  }

  const db = new Database(path, { readonly: true });
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  db.close();

  const store = await openStore(path);
  try {
    const items = await store.runItems(CRASH_RUN.id);
    const byRepository = new Map<string, number>();
    for (const item of items) byRepository.set(item.repository, (byRepository.get(item.repository) ?? 0) + 1);
    const latest = await store.latestImageScans('reg.test/crash');
    for (let i = 0; i <= lastCommitted; i++) {
      const expected = crashScan(i);
      const stored = await store.imageScans(expected.digest, 5);
      // An uncertain record may have been written twice (killed after commit, then rewritten).
      assert.ok(stored.length >= 1, `record ${i} lost`);
      for (const record of stored) assert.deepEqual(record, expected);
      assert.equal(byRepository.get(expected.repository), ITEMS_PER_BATCH, `record ${i}: items`);
    }
    for (const count of byRepository.values()) assert.equal(count, ITEMS_PER_BATCH);
    for (const record of latest)
      assert.deepEqual(record, crashScan(Number(record.repository.slice('reg.test/crash/r'.length))));
    assert.ok(latest.length >= lastCommitted + 1 && latest.length <= lastCommitted + 2);
    // And the file still takes writes.
    await store.putImageScan(crashScan(10_000));
    assert.equal((await store.imageScans(crashScan(10_000).digest)).length, 1);
  } finally {
    await store.close();
  }
});

test('sqlite: two writer processes share one file without busy errors, each losing nothing', async () => {
  const path = join(dir, 'shared.db');
  // Each writer exits early (failing the test) if SQLite ever answers "database is locked".
  const [a, b] = await Promise.all([writeAndKill(path, 0, 12), writeAndKill(path, 50_000, 12)]);
  const store = await openStore(path);
  try {
    for (const [first, last] of [
      [0, a],
      [50_000, b],
    ] as const) {
      for (let i = first; i <= last; i++) {
        assert.deepEqual((await store.imageScans(crashScan(i).digest, 1))[0], crashScan(i), `record ${i}`);
      }
    }
    const counts = new Map<string, number>();
    for (const item of await store.runItems(CRASH_RUN.id)) {
      counts.set(item.repository, (counts.get(item.repository) ?? 0) + 1);
    }
    assert.ok(counts.size >= a + 1 + (b - 50_000 + 1));
    for (const count of counts.values()) assert.equal(count, ITEMS_PER_BATCH);
  } finally {
    await store.close();
  }
});
