import type { Readable } from 'node:stream';
import { extract as tarExtract, type Header } from 'tar-stream';
import { InputError } from '../../core/errors.js';
import { baseName, cleanImagePath, parentOf } from './paths.js';

export interface LayerLimits {
  /** Uncompressed bytes of one layer (gzip/zstd bomb guard). */
  maxLayerBytes: number;
  /** Entries in one layer (tar bomb of millions of empty files). */
  maxEntries: number;
  /** A wanted file larger than this is skipped with a warning instead of read into memory. */
  maxFileBytes: number;
  /** Wanted bytes read from one layer in all; past it the rest are skipped with a warning. */
  maxWantedBytes: number;
}

export const DEFAULT_LAYER_LIMITS: LayerLimits = {
  maxLayerBytes: 16 * 1024 * 1024 * 1024,
  maxEntries: 2_000_000,
  maxFileBytes: 128 * 1024 * 1024,
  maxWantedBytes: 4 * 1024 * 1024 * 1024,
};

export interface EntryInfo {
  /** Clean path relative to the image root (`usr/lib/os-release`). */
  path: string;
  size: number;
  mode: number;
}

export interface WantedFile extends EntryInfo {
  content: Buffer;
}

/** What one layer does to the file system below it, independent of what the analyzers made of its files. */
export interface LayerChanges {
  /** Every non-directory entry the layer adds (files, links, devices): each hides the same path below. */
  paths: string[];
  /** `dir/.wh.name` removes `dir/name` from the layers below. */
  whiteouts: string[];
  /** `dir/.wh..wh..opq` hides everything below `dir` in the layers below. */
  opaqueDirs: string[];
  /** Symbolic links the layer adds, path -> target as written. */
  symlinks: Record<string, string>;
  entries: number;
  warnings: string[];
}

export interface ReadLayerOptions {
  /** Called for every regular file (and hard link): true to have its content passed to onFile. */
  wants(info: EntryInfo): boolean;
  onFile(file: WantedFile): void | Promise<void>;
  limits?: Partial<LayerLimits>;
  /** Names the layer in messages. */
  what: string;
}

const WHITEOUT_PREFIX = '.wh.';
const OPAQUE_MARKER = '.wh..wh..opq';
/** Wanted contents kept while a layer is read, so that a later hard link to them can be analysed too. */
const HARDLINK_BUDGET = 32 * 1024 * 1024;

/**
 * Read one uncompressed layer tar from start to end, handing wanted files to `onFile` one at a time. Nothing
 * is written to disk; hostile names (`../`, NUL) are skipped with a warning, never followed.
 */
export async function readLayer(tar: Readable, options: ReadLayerOptions): Promise<LayerChanges> {
  const limits = { ...DEFAULT_LAYER_LIMITS, ...options.limits };
  const changes: LayerChanges = {
    paths: [],
    whiteouts: [],
    opaqueDirs: [],
    symlinks: {},
    entries: 0,
    warnings: [],
  };
  const kept = new Map<string, WantedFile>();
  let keptBytes = 0;
  let wantedBytes = 0;
  const warn = (message: string): void => {
    // A hostile layer could emit millions of warnings; the first hundred say enough.
    if (changes.warnings.length < 100) changes.warnings.push(`${options.what}: ${message}`);
  };

  const extract = tarExtract();
  tar.on('error', (error) => extract.destroy(error));
  tar.pipe(extract);
  try {
    for await (const entry of extract) {
      const header: Header = entry.header;
      changes.entries++;
      if (changes.entries > limits.maxEntries) {
        throw new InputError(`${options.what}: more than ${limits.maxEntries} entries in one layer`, {
          code: 'LIMIT',
        });
      }
      const path = cleanImagePath(header.name);
      if (path === undefined) {
        warn(
          `skipped entry with a path outside the image root: ${JSON.stringify(header.name.slice(0, 200))}`,
        );
        entry.resume();
        continue;
      }
      if (path === '') {
        entry.resume();
        continue;
      }
      const name = baseName(path);
      if (name.startsWith(WHITEOUT_PREFIX)) {
        const dir = parentOf(path);
        if (name === OPAQUE_MARKER) changes.opaqueDirs.push(dir);
        else
          changes.whiteouts.push(
            dir ? `${dir}/${name.slice(WHITEOUT_PREFIX.length)}` : name.slice(WHITEOUT_PREFIX.length),
          );
        entry.resume();
        continue;
      }
      const type = header.type ?? 'file';
      if (type === 'directory') {
        entry.resume();
        continue;
      }
      changes.paths.push(path);
      const mode = header.mode ?? 0o644;
      if (type === 'symlink') {
        changes.symlinks[path] = header.linkname ?? '';
        entry.resume();
        continue;
      }
      if (type === 'link') {
        entry.resume();
        const target = cleanImagePath(header.linkname ?? '');
        const source = target ? kept.get(target) : undefined;
        const info = { path, size: source?.size ?? 0, mode: source?.mode ?? mode };
        if (!options.wants(info)) continue;
        if (source) await options.onFile({ ...info, content: source.content });
        else warn(`hard link ${path} -> ${header.linkname ?? ''}: target content not kept, skipped`);
        continue;
      }
      if (type !== 'file' && type !== 'contiguous-file') {
        entry.resume();
        continue;
      }
      const size = header.size ?? 0;
      const info = { path, size, mode };
      if (!options.wants(info)) {
        entry.resume();
        continue;
      }
      if (size > limits.maxFileBytes) {
        warn(`skipped ${path}: ${size} bytes is over the per-file limit of ${limits.maxFileBytes}`);
        entry.resume();
        continue;
      }
      if (wantedBytes + size > limits.maxWantedBytes) {
        warn(`skipped ${path}: the layer's wanted files exceed ${limits.maxWantedBytes} bytes`);
        entry.resume();
        continue;
      }
      wantedBytes += size;
      const content = await readAll(entry, size);
      const file = { ...info, content };
      if (keptBytes + size <= HARDLINK_BUDGET) {
        kept.set(path, file);
        keptBytes += size;
      }
      await options.onFile(file);
    }
  } catch (error) {
    tar.destroy();
    if (error instanceof InputError) throw error;
    const message = (error as Error).message;
    throw new InputError(`${options.what}: unreadable layer tar (${message})`, { cause: error });
  }
  return changes;
}

async function readAll(stream: AsyncIterable<unknown>, size: number): Promise<Buffer> {
  const out = Buffer.allocUnsafe(size);
  let offset = 0;
  for await (const chunk of stream) {
    const buf = chunk as Buffer;
    buf.copy(out, offset);
    offset += buf.length;
  }
  return offset === size ? out : out.subarray(0, offset);
}
