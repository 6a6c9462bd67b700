// Reading a small file a flag names (keys, certificates, signature envelopes), with errors that name the flag.
import { resolve } from 'node:path';
import { ConfigError } from '../core/errors.js';
import { readSmallFile, smallFileReason } from '../core/read-small-file.js';
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
  try {
    return await readSmallFile(resolve(ctx.cwd, path), maxBytes);
  } catch (error) {
    const reason = smallFileReason(error);
    throw new ConfigError(
      `${flag} ${path}: ${/^E[A-Z]+$/.test(reason) ? `cannot read: ${reason}` : reason}`,
      {
        cause: error,
      },
    );
  }
}
