import { open, readdir, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { LineSplitter } from './line-splitter.js';
import type { FilePosition, PositionStore } from './position-store.js';

export interface FollowOptions {
  store: PositionStore;
  /** Where to begin in a file with no stored position: its start (default) or its current end. */
  startAt?: 'start' | 'end';
  /** How often to look for new data, rotation and truncation when at the end of the file. */
  pollMs?: number;
  signal?: AbortSignal;
  /** Stop at the end of the data instead of waiting for more (one-shot runs, benches, tests). */
  untilEof?: boolean;
  maxLineBytes?: number;
  /** Rotation, truncation and lost data, for the user to see on stderr. */
  onNotice?: (message: string) => void;
}

/** Handles one batch of complete lines; the position after them is stored only once it resolves. */
export type LineBatchHandler = (lines: string[]) => Promise<void>;

const CHUNK = 1024 * 1024;

interface OpenFile {
  handle: FileHandle;
  path: string;
  dev: number;
  ino: number;
  offset: number;
}

async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** After a rotation while we were stopped, the file we were reading may live on under another name. */
async function findByIdentity(dir: string, dev: number, ino: number): Promise<string | undefined> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return undefined;
  }
  for (const name of names) {
    const st = await statOrUndefined(join(dir, name));
    if (st?.isFile() && st.dev === dev && st.ino === ino) return join(dir, name);
  }
  return undefined;
}

/**
 * Follow a growing log file like `tail -F`, across rotation by rename-and-create (the old file is read to its
 * end first, then the new one from its start) and by truncation (copytruncate: start again at 0). Lines go to
 * `onLines` in batches; the position after a batch is stored only when the handler has finished with it, so a
 * restart resumes exactly after the last handled line: nothing is read twice, nothing is skipped.
 */
export async function followFile(
  path: string,
  onLines: LineBatchHandler,
  options: FollowOptions,
): Promise<void> {
  const pollMs = options.pollMs ?? 250;
  const notice = options.onNotice ?? (() => undefined);
  const splitter = new LineSplitter(options.maxLineBytes ?? 16 * 1024 * 1024);
  const buffer = Buffer.allocUnsafe(CHUNK);
  const aborted = (): boolean => options.signal?.aborted === true;

  const openFile = async (p: string, st: Stats, offset: number): Promise<OpenFile> => ({
    handle: await open(p, 'r'),
    path: p,
    dev: st.dev,
    ino: st.ino,
    offset,
  });
  const save = (file: OpenFile): Promise<void> =>
    options.store.save({ path, dev: file.dev, ino: file.ino, offset: file.offset - splitter.bufferedBytes });

  let current: OpenFile | undefined;
  /** True while reading a rotated-away file to its end before moving to the live one. */
  let draining = false;

  const saved: FilePosition | undefined = await options.store.load();
  let st = await statOrUndefined(path);
  if (saved && st && st.dev === saved.dev && st.ino === saved.ino) {
    if (saved.offset > st.size)
      notice(`${path}: shorter than the stored position; it was truncated, reading from the start`);
    current = await openFile(path, st, saved.offset > st.size ? 0 : saved.offset);
  } else if (saved) {
    const moved = await findByIdentity(dirname(path), saved.dev, saved.ino);
    const movedStat = moved ? await statOrUndefined(moved) : undefined;
    if (moved && movedStat && movedStat.size >= saved.offset) {
      notice(`${path}: rotated while stopped; finishing ${moved} first`);
      current = await openFile(moved, movedStat, saved.offset);
      draining = true;
    } else {
      notice(`${path}: the file read before is gone; reading the current file from the start`);
    }
  }

  let rotationPending = false;
  try {
    while (!aborted()) {
      if (!current) {
        st = await statOrUndefined(path);
        if (!st) {
          if (options.untilEof) return;
          await sleep(pollMs, options.signal);
          continue;
        }
        current = await openFile(path, st, saved || options.startAt !== 'end' ? 0 : st.size);
        await save(current);
      }
      const { bytesRead } = await current.handle.read(buffer, 0, CHUNK, current.offset);
      if (bytesRead > 0) {
        const lines: string[] = [];
        splitter.push(buffer.subarray(0, bytesRead), (line) => lines.push(line));
        current.offset += bytesRead;
        if (lines.length > 0) await onLines(lines);
        await save(current);
        rotationPending = false;
        continue;
      }
      // At the end of the data: rotated, truncated, or just waiting for more?
      const live = await statOrUndefined(path);
      const replaced =
        draining || (live !== undefined && (live.ino !== current.ino || live.dev !== current.dev));
      if (replaced) {
        // A writer may still append to the old file until it reopens; read it once more after a pause.
        if (!rotationPending && !draining) {
          rotationPending = true;
          await sleep(pollMs, options.signal);
          continue;
        }
        const lines: string[] = [];
        splitter.flush((line) => lines.push(line));
        if (lines.length > 0) await onLines(lines);
        await current.handle.close();
        current = undefined;
        draining = false;
        rotationPending = false;
        if (live) {
          current = await openFile(path, live, 0);
          await save(current);
        }
        continue;
      }
      if (live && live.size < current.offset) {
        notice(`${path}: truncated; reading from the start`);
        current.offset = 0;
        splitter.reset();
        await save(current);
        continue;
      }
      // A last line without a newline is still being written; it stays for the next read or run.
      if (options.untilEof) return;
      await sleep(pollMs, options.signal);
    }
  } finally {
    await current?.handle.close();
  }
}
