// Reading a small file a user names (a policy, a key, a CA bundle). A plain readFile follows `/dev/zero` or a
// FIFO forever, and happily loads gigabytes: only regular files up to a limit are read.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

/** Why a file was refused: not a regular file, or too large. Errors from the file system pass through as they are. */
export class SmallFileError extends Error {
  override readonly name = 'SmallFileError';
}

/**
 * The bytes of `path`, which must be a regular file of at most `maxBytes`. Throws SmallFileError with a short
 * reason ("is a directory, not a file", "not a regular file", "N bytes is over the M-byte limit"), or the
 * file system's own error (ENOENT, EACCES) unchanged, for the caller to wrap with what the file was for.
 */
export async function readSmallFile(path: string, maxBytes: number): Promise<Buffer> {
  // O_NONBLOCK: opening a FIFO must not wait for a writer (it has no effect on regular files).
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    // fstat on the opened descriptor: the file checked is the file read.
    const info = await handle.stat();
    if (info.isDirectory()) throw new SmallFileError('is a directory, not a file');
    if (!info.isFile()) throw new SmallFileError('not a regular file');
    if (info.size > maxBytes)
      throw new SmallFileError(`${info.size} bytes is over the ${maxBytes}-byte limit`);
    // Only the size stat saw is read: a file that grows meanwhile cannot push the read past the limit.
    const buffer = Buffer.alloc(info.size);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}

/** The short reason for a refused or unreadable file: the errno code (ENOENT) or the SmallFileError text. */
export function smallFileReason(error: unknown): string {
  if (error instanceof SmallFileError) return error.message;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code ?? (error instanceof Error ? error.message : String(error));
}
