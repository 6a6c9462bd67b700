import { openSync, writeSync, closeSync } from 'node:fs';
import { InputError, errorMessage } from '../core/errors.js';
import type { CliContext } from './context.js';

const BATCH_BYTES = 1 << 20;

/** Write text (or a stream of text pieces) to --output FILE, or stdout. Pieces are batched into ~1 MiB writes. */
export async function writeOutput(
  text: string | Iterable<string>,
  output: string | undefined,
  ctx: CliContext,
): Promise<void> {
  const pieces = typeof text === 'string' ? [text] : text;
  if (!output || output === '-') {
    let last = '';
    for (const batch of batches(pieces)) {
      ctx.stdout(batch);
      last = batch;
    }
    if (!last.endsWith('\n')) ctx.stdout('\n');
    return;
  }
  let fd: number | undefined;
  try {
    fd = openSync(output, 'w');
    for (const batch of batches(pieces)) writeSync(fd, batch);
  } catch (error) {
    throw new InputError(
      `${output}: cannot write: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`,
    );
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function* batches(pieces: Iterable<string>): Generator<string> {
  let buffer: string[] = [];
  let size = 0;
  for (const piece of pieces) {
    buffer.push(piece);
    size += piece.length;
    if (size >= BATCH_BYTES) {
      yield buffer.join('');
      buffer = [];
      size = 0;
    }
  }
  if (buffer.length > 0 || size === 0) yield buffer.join('');
}

export function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}
