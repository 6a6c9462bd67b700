import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { followFile } from '../../src/runtime/follow.js';
import { filePositionStore } from '../../src/runtime/position-store.js';

const line = (id: string): string => `${JSON.stringify({ kind: 'Event', auditID: id, verb: 'get' })}\n`;
const ids = (from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => `e${from + i}`);

async function waitFor(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function setup(): {
  dir: string;
  log: string;
  state: string;
  seen: string[];
  onLines: (lines: string[]) => Promise<void>;
} {
  const dir = mkdtempSync(join(tmpdir(), 'kw-follow-'));
  const seen: string[] = [];
  return {
    dir,
    log: join(dir, 'audit.log'),
    state: join(dir, 'state.json'),
    seen,
    onLines: async (lines) => {
      for (const l of lines) if (l.trim()) seen.push((JSON.parse(l) as { auditID: string }).auditID);
    },
  };
}

test('follows rotation by rename and create: the old file is finished, then the new one read from its start', async () => {
  const t = setup();
  writeFileSync(t.log, ids(1, 3).map(line).join(''));
  const controller = new AbortController();
  const running = followFile(t.log, t.onLines, {
    store: filePositionStore(t.state),
    pollMs: 20,
    signal: controller.signal,
  });
  await waitFor(() => t.seen.length === 3, 'the first three events');
  appendFileSync(t.log, line('e4'));
  renameSync(t.log, `${t.log}.1`);
  // The writer has not reopened yet: its last line lands in the rotated file.
  appendFileSync(`${t.log}.1`, line('e5'));
  writeFileSync(t.log, ids(6, 7).map(line).join(''));
  await waitFor(() => t.seen.length === 7, 'all seven events');
  appendFileSync(t.log, line('e8'));
  await waitFor(() => t.seen.length === 8, 'an event after the rotation');
  controller.abort();
  await running;
  assert.deepEqual(t.seen, ids(1, 8));
});

test('follows truncation in place (copytruncate)', async () => {
  const t = setup();
  writeFileSync(t.log, ids(1, 3).map(line).join(''));
  const controller = new AbortController();
  const notices: string[] = [];
  const running = followFile(t.log, t.onLines, {
    store: filePositionStore(t.state),
    pollMs: 20,
    signal: controller.signal,
    onNotice: (m) => notices.push(m),
  });
  await waitFor(() => t.seen.length === 3, 'the first events');
  truncateSync(t.log, 0);
  await new Promise((r) => setTimeout(r, 60));
  writeFileSync(t.log, line('e4'));
  await waitFor(() => t.seen.length === 4, 'the event after truncation');
  controller.abort();
  await running;
  assert.deepEqual(t.seen, ids(1, 4));
  assert.ok(notices.some((n) => n.includes('truncated')));
});

test('a restart resumes after the last handled line: no line twice, none lost, a partial line waits', async () => {
  const t = setup();
  const run = (): Promise<void> =>
    followFile(t.log, t.onLines, { store: filePositionStore(t.state), untilEof: true });
  writeFileSync(t.log, ids(1, 3).map(line).join(''));
  await run();
  assert.deepEqual(t.seen, ids(1, 3));
  const half = line('e5');
  appendFileSync(t.log, line('e4') + half.slice(0, 20));
  await run();
  assert.deepEqual(t.seen, ids(1, 4), 'the half-written line is not read');
  appendFileSync(t.log, half.slice(20));
  await run();
  await run();
  assert.deepEqual(t.seen, ids(1, 5));
});

test('a position is stored only after the handler finished: a failing handler re-reads the batch next time', async () => {
  const t = setup();
  writeFileSync(t.log, ids(1, 2).map(line).join(''));
  await assert.rejects(
    followFile(t.log, async () => Promise.reject(new Error('sink down')), {
      store: filePositionStore(t.state),
      untilEof: true,
    }),
    /sink down/,
  );
  await followFile(t.log, t.onLines, { store: filePositionStore(t.state), untilEof: true });
  assert.deepEqual(t.seen, ids(1, 2));
});

test('rotated while stopped: the rest of the rotated file is read first, found by its inode', async () => {
  const t = setup();
  writeFileSync(t.log, ids(1, 2).map(line).join(''));
  await followFile(t.log, t.onLines, { store: filePositionStore(t.state), untilEof: true });
  appendFileSync(t.log, line('e3'));
  renameSync(t.log, join(t.dir, 'audit-2026-11-28T09-00-00.000.log'));
  writeFileSync(t.log, line('e4'));
  const notices: string[] = [];
  const controller = new AbortController();
  const running = followFile(t.log, t.onLines, {
    store: filePositionStore(t.state),
    pollMs: 20,
    signal: controller.signal,
    onNotice: (m) => notices.push(m),
  });
  await waitFor(() => t.seen.length === 4, 'both files');
  controller.abort();
  await running;
  assert.deepEqual(t.seen, ids(1, 4));
  assert.ok(notices.some((n) => n.includes('rotated while stopped')));
});

test('starts at the end of an existing file with startAt end, and waits for a file that does not exist yet', async () => {
  const t = setup();
  writeFileSync(t.log, ids(1, 2).map(line).join(''));
  const controller = new AbortController();
  const running = followFile(t.log, t.onLines, {
    store: filePositionStore(t.state),
    pollMs: 20,
    signal: controller.signal,
    startAt: 'end',
  });
  await new Promise((r) => setTimeout(r, 60));
  appendFileSync(t.log, line('e3'));
  await waitFor(() => t.seen.length === 1, 'the new event');
  controller.abort();
  await running;
  assert.deepEqual(t.seen, ['e3']);

  const later = setup();
  const c2 = new AbortController();
  const waiting = followFile(later.log, later.onLines, {
    store: filePositionStore(later.state),
    pollMs: 20,
    signal: c2.signal,
  });
  await new Promise((r) => setTimeout(r, 60));
  writeFileSync(later.log, line('e1'));
  await waitFor(() => later.seen.length === 1, 'the file to appear');
  c2.abort();
  await waiting;
});
