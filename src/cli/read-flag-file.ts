// Reading a small file a flag names (keys, certificates, signature envelopes). A plain readFile would follow
// `--key /dev/zero` or a FIFO forever, and happily load gigabytes: only regular files up to a limit are read.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError, errorMessage } from '../core/errors.js';
import type { CliContext } from './context.js';

/** Keys, certificate chains and envelopes are kilobytes; 16 MiB leaves room for long chains and bundles. */
export const MAX_FLAG_FILE_BYTES = 16 * 1024 * 1024;

/**
 * The bytes of `path` (relative to the working directory). Anything but a regular file within `maxBytes` is a
 * ConfigError (exit 2) naming the flag and the file.
 */
export async function readFlagFile(
  flag: string,
  path: string,
  ctx: CliContext,
  maxBytes: number = MAX_FLAG_FILE_BYTES,
): Promise<Buffer> {
  const fail = (why: string): never => {
    throw new ConfigError(`${flag} ${path}: ${why}`);
  };
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer (it has no effect on regular files).
    handle = await open(resolve(ctx.cwd, path), constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return fail(`cannot read: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`);
  }
  try {
    // fstat on the opened descriptor: the file checked is the file read.
    const info = await handle.stat();
    if (info.isDirectory()) return fail('is a directory, not a file');
    if (!info.isFile()) return fail('not a regular file');
    if (info.size > maxBytes) return fail(`${info.size} bytes is over the ${maxBytes}-byte limit`);
    // Only the size stat saw is read: a file that grows meanwhile cannot push the read past the limit.
    const buffer = Buffer.alloc(info.size);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    return fail(`cannot read: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`);
  } finally {
    await handle.close();
  }
}
