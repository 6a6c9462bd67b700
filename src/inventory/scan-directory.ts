import { lstat, open, opendir, readlink } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { InputError } from '../core/errors.js';
import { Overlay } from '../image/layers/overlay.js';
import { DEFAULT_LAYER_LIMITS, type LayerLimits } from '../image/layers/read-layer.js';
import type { FileAnalyzer } from './analyzer.js';
import { analyzersFor } from './analyzers/index.js';
import { type AnalysisSink, analyzeFile, wantsAny } from './file-results.js';
import type { Inventory } from './model.js';
import { detectOs } from './os.js';
import { finalizePackages } from './packages.js';

export interface DirectoryInventoryOptions {
  limits?: Partial<Pick<LayerLimits, 'maxFileBytes' | 'maxEntries'>>;
  analyzers?: readonly string[];
  /** Directory names never descended into (default: .git). */
  skipDirs?: readonly string[];
}

/** Kernel file systems of a live root file system: walking them hangs or reads garbage. */
const ROOT_ONLY_SKIPS = new Set(['proc', 'sys', 'dev']);

/**
 * Inventory of a directory: a source checkout or an unpacked root file system. Symbolic links are recorded,
 * never followed, so a link to `/` or a loop cannot take the walk outside the directory.
 */
export async function inventoryDirectory(
  dir: string,
  options: DirectoryInventoryOptions = {},
): Promise<Inventory> {
  const root = resolve(dir);
  const info = await lstat(root).catch((error: unknown) => {
    throw new InputError(`cannot read ${root}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      cause: error,
    });
  });
  if (!info.isDirectory()) throw new InputError(`${root} is not a directory`);
  const list = analyzersFor('directory', options.analyzers);
  const limits = { ...DEFAULT_LAYER_LIMITS, ...options.limits };
  const skip = new Set(options.skipDirs ?? ['.git']);
  const sink: AnalysisSink = { results: [], warnings: [] };
  const symlinks: Record<string, string> = {};
  const wants = wantsAny(list);
  let entries = 0;
  const rootfs = (await isDirectory(join(root, 'etc'))) && (await isDirectory(join(root, 'usr')));

  const stack: string[] = [''];
  while (stack.length > 0) {
    const rel = stack.pop() as string;
    let handle;
    try {
      handle = await opendir(join(root, rel));
    } catch (error) {
      sink.warnings.push(
        `${rel || '.'}: cannot list (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      );
      continue;
    }
    const subdirs: string[] = [];
    for await (const entry of handle) {
      if (++entries > limits.maxEntries)
        throw new InputError(`${root}: more than ${limits.maxEntries} entries`, { code: 'LIMIT' });
      const path = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!skip.has(entry.name) && !(rel === '' && rootfs && ROOT_ONLY_SKIPS.has(entry.name)))
          subdirs.push(path);
      } else if (entry.isSymbolicLink()) {
        symlinks[path] = await readlink(join(root, path)).catch(() => '');
      } else if (entry.isFile()) {
        await analyzeOne(root, path, list, wants, limits, sink);
      }
    }
    // Sorted so that results, warnings and limits hit the same files on every run.
    stack.push(...subdirs.sort().reverse());
  }

  const overlay = new Overlay([{ paths: Object.keys(symlinks), whiteouts: [], opaqueDirs: [], symlinks }]);
  const os = detectOs(sink.results, overlay);
  return {
    subject: { kind: 'directory', name: basename(root) || root, path: root },
    ...(os ? { os } : {}),
    packages: finalizePackages(
      sink.results.map((result) => ({ result })),
      os,
    ),
    warnings: sink.warnings,
    analyzers: list.map((a) => ({ id: a.id, version: a.version })),
  };
}

async function analyzeOne(
  root: string,
  path: string,
  list: readonly FileAnalyzer[],
  wants: (file: { path: string; size: number; mode: number }) => boolean,
  limits: Pick<LayerLimits, 'maxFileBytes'>,
  sink: AnalysisSink,
): Promise<void> {
  const full = join(root, path);
  let info;
  try {
    info = await lstat(full);
  } catch {
    return;
  }
  const header = { path, size: info.size, mode: info.mode & 0o7777 };
  if (!wants(header)) return;
  if (info.size > limits.maxFileBytes) {
    sink.warnings.push(
      `skipped ${path}: ${info.size} bytes is over the per-file limit of ${limits.maxFileBytes}`,
    );
    return;
  }
  try {
    const handle = await open(full, 'r');
    try {
      const content = await handle.readFile();
      await analyzeFile(list, { ...header, content }, sink, limits.maxFileBytes);
    } finally {
      await handle.close();
    }
  } catch (error) {
    sink.warnings.push(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

async function isDirectory(path: string): Promise<boolean> {
  return lstat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}
