// Child process for postgres-crash.test.ts, playing a `serve` replica running a registry scan.
//   replica URL crash   starts the run, lists 20 tags, scans 10 digests (printing "committed 10"), then writes a
//                       huge relisting in one transaction, which the test kills it in the middle of.
//   replica URL resume  finds the unfinished run, scans what is not done, finishes it ("resumed N").
import type { RunItem } from '../../../src/store/model.js';
import { openStore } from '../../../src/store/index.js';
import { CRASH_RUN, crashDigest, crashScan } from './crash-records.js';

export const LISTED = 20;
export const SCANNED_BEFORE_CRASH = 10;
export const RELISTED = 100_000;

export function listedItem(i: number): RunItem {
  return {
    runId: CRASH_RUN.id,
    repository: `reg.test/crash/r${i}`,
    tag: 'v1',
    digest: crashDigest(i),
    done: false,
  };
}

async function main(url: string, mode: string): Promise<void> {
  const store = await openStore(url);
  if (mode === 'crash') {
    await store.startRun(CRASH_RUN);
    await store.putRunItems(Array.from({ length: LISTED }, (_, i) => listedItem(i)));
    for (let i = 0; i < SCANNED_BEFORE_CRASH; i++) {
      await store.putImageScan(crashScan(i));
      await store.markRunDigestDone(CRASH_RUN.id, crashDigest(i));
    }
    process.stdout.write(`committed ${SCANNED_BEFORE_CRASH}\n`);
    const relisted = Array.from({ length: RELISTED }, (_, t) => ({
      ...listedItem(t % LISTED),
      tag: `extra-${t}`,
    }));
    await store.putRunItems(relisted);
    process.stdout.write('relisting committed\n');
  } else if (mode === 'resume') {
    const run = await store.unfinishedRun(CRASH_RUN.target);
    if (!run) throw new Error('nothing to resume');
    const pending = [...new Set((await store.runItems(run.id)).filter((i) => !i.done).map((i) => i.digest))];
    for (const digest of pending) {
      const i = Number(digest.slice('sha256:'.length));
      await store.putImageScan(crashScan(i));
      await store.markRunDigestDone(run.id, digest);
    }
    await store.finishRun(run.id, '2026-03-01T01:00:00Z');
    process.stdout.write(`resumed ${pending.length}\n`);
  }
  await store.close();
}

const [url, mode] = process.argv.slice(2);
if (url && mode && process.argv[1]?.endsWith('replica.ts')) await main(url, mode);
