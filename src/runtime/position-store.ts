import { open, readFile, rename } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';

/** Where a follower stands in a file: the file's identity (device and inode) and the next byte to read. */
export interface FilePosition {
  path: string;
  dev: number;
  ino: number;
  offset: number;
}

export interface PositionStore {
  load(): Promise<FilePosition | undefined>;
  save(position: FilePosition): Promise<void>;
}

/**
 * A small JSON state file, replaced atomically (write, fsync, rename), so a crash leaves either the old or the
 * new position and never a torn one.
 */
export function filePositionStore(file: string): PositionStore {
  return {
    async load() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
      try {
        const value: unknown = JSON.parse(text);
        if (typeof value !== 'object' || value === null) return undefined;
        const v = value as Record<string, unknown>;
        if (typeof v['path'] !== 'string' || typeof v['dev'] !== 'number' || typeof v['ino'] !== 'number')
          return undefined;
        if (typeof v['offset'] !== 'number' || v['offset'] < 0) return undefined;
        return { path: v['path'], dev: v['dev'], ino: v['ino'], offset: v['offset'] };
      } catch {
        // A state file that does not parse is treated as absent: reading again beats refusing to start.
        return undefined;
      }
    },
    async save(position) {
      const tmp = join(dirname(file), `.${basename(file)}.tmp`);
      const handle = await open(tmp, 'w');
      try {
        await handle.writeFile(`${JSON.stringify(position)}\n`);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, file);
    },
  };
}

/** For tests and one-shot runs. */
export function memoryPositionStore(initial?: FilePosition): PositionStore & { current?: FilePosition } {
  const store: PositionStore & { current?: FilePosition } = {
    async load() {
      return store.current;
    },
    async save(position) {
      store.current = { ...position };
    },
  };
  if (initial) store.current = initial;
  return store;
}
