import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { InputError } from '../core/errors.js';
import type { TarIndex } from './tar-index.js';

/** Read access to the files of an image store, whether a directory or a tar archive indexed in place. */
export interface FileStore {
  readonly description: string;
  /** Size in bytes, or undefined when the file is absent. */
  size(path: string): Promise<number | undefined>;
  /** The whole file; fails when it is absent or larger than `maxBytes`. */
  read(path: string, maxBytes: number): Promise<Buffer>;
  openRead(path: string): Promise<Readable>;
}

/** `path` always comes from trusted code or a validated digest, never straight from a manifest. */
export function directoryStore(root: string): FileStore {
  const full = (path: string): string => join(root, path);
  return {
    description: root,
    async size(path) {
      try {
        const info = await stat(full(path));
        return info.isFile() ? info.size : undefined;
      } catch {
        return undefined;
      }
    },
    async read(path, maxBytes) {
      let handle;
      try {
        handle = await open(full(path), 'r');
      } catch (error) {
        throw new InputError(
          `cannot read ${full(path)}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
          {
            cause: error,
          },
        );
      }
      try {
        const info = await handle.stat();
        if (info.size > maxBytes) {
          throw new InputError(`${full(path)}: ${info.size} bytes is over the limit of ${maxBytes}`, {
            code: 'LIMIT',
          });
        }
        return await handle.readFile();
      } finally {
        await handle.close();
      }
    },
    async openRead(path) {
      const stream = createReadStream(full(path));
      await new Promise<void>((resolve, reject) => {
        stream.once('open', () => resolve());
        stream.once('error', (error) =>
          reject(new InputError(`cannot read ${full(path)}: ${error.message}`, { cause: error })),
        );
      });
      return stream;
    },
  };
}

/** Files inside a tar archive, read at their offsets without unpacking. */
export function tarStore(file: string, index: TarIndex): FileStore {
  return {
    description: file,
    async size(path) {
      return index.get(normaliseTarPath(path))?.size;
    },
    async read(path, maxBytes) {
      const entry = index.get(normaliseTarPath(path));
      if (!entry) throw new InputError(`${file}: no ${path} in the archive`);
      if (entry.size > maxBytes) {
        throw new InputError(`${file}: ${path} is ${entry.size} bytes, over the limit of ${maxBytes}`, {
          code: 'LIMIT',
        });
      }
      const handle = await open(file, 'r');
      try {
        const buf = Buffer.alloc(entry.size);
        const { bytesRead } = await handle.read(buf, 0, entry.size, entry.offset);
        if (bytesRead !== entry.size) throw new InputError(`${file}: ${path} is truncated`);
        return buf;
      } finally {
        await handle.close();
      }
    },
    async openRead(path) {
      const entry = index.get(normaliseTarPath(path));
      if (!entry) throw new InputError(`${file}: no ${path} in the archive`);
      if (entry.size === 0) return createReadStream(file, { start: 1, end: 0 });
      return createReadStream(file, { start: entry.offset, end: entry.offset + entry.size - 1 });
    },
  };
}

export function normaliseTarPath(path: string): string {
  return path.replace(/^(\.\/|\/)+/, '');
}
