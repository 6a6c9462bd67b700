import { lstatSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Clock } from '../core/clock.js';
import { InputError, errorMessage } from '../core/errors.js';
import { DbBuilder, type ImportCounts, type RecordEntry } from './builder.js';
import { downloadToFile } from './download.js';
import { type ResolvedSource, resolveSource } from './sources.js';
import { DEFAULT_ZIP_LIMITS, ZipReader, type ZipLimits } from './zip/read-zip.js';

export interface UpdateOptions {
  dbPath: string;
  /** `--source` values: URLs of all.zip dumps, local zips, directories of JSON records, single JSON files. */
  sources: readonly string[];
  cwd: string;
  clock: Clock;
  fetch?: typeof fetch;
  zipLimits?: Partial<ZipLimits>;
  maxDownloadBytes?: number;
  /** Start from an empty database instead of the current one. */
  rebuild?: boolean;
  onProgress?: (message: string) => void;
}

export interface SourceOutcome {
  name: string;
  location: string;
  status: 'imported' | 'not-modified' | 'not-found' | 'failed';
  counts?: ImportCounts;
  error?: string;
}

export interface UpdateResult {
  dbPath: string;
  /** False when nothing could be imported: the old database was left as it was. */
  committed: boolean;
  sources: SourceOutcome[];
  /** Invalid records (first few), with where they came from. */
  problems: string[];
}

/**
 * Imports every source into a copy of the database and swaps it in (see DbBuilder). One failing source does
 * not stop the others: it is reported and the records it gave before stay. When no source could be read, the
 * copy is dropped and the old database stays untouched.
 */
export async function updateDatabase(options: UpdateOptions): Promise<UpdateResult> {
  const sources = options.sources.map((value) => resolveSource(value, options.cwd));
  const builder = DbBuilder.start(options.dbPath, options.clock, { rebuild: options.rebuild ?? false });
  const outcomes: SourceOutcome[] = [];
  try {
    for (const source of sources) {
      options.onProgress?.(`updating from ${source.location}`);
      outcomes.push(await importOne(builder, source, options));
    }
  } catch (error) {
    builder.abort();
    throw error;
  }
  const usable = outcomes.some((o) => o.status === 'imported' || o.status === 'not-modified');
  if (usable) builder.commit();
  else builder.abort();
  return { dbPath: options.dbPath, committed: usable, sources: outcomes, problems: [...builder.problems] };
}

async function importOne(
  builder: DbBuilder,
  source: ResolvedSource,
  options: UpdateOptions,
): Promise<SourceOutcome> {
  const base = { name: source.name, location: source.location };
  const limits = { ...DEFAULT_ZIP_LIMITS, ...options.zipLimits };
  try {
    switch (source.kind) {
      case 'url': {
        const file = `${options.dbPath}.download-${randomBytes(4).toString('hex')}`;
        try {
          const validators = builder.validatorsOf(source.name);
          const result = await downloadToFile(source.location, file, {
            validators,
            ...(options.fetch ? { fetch: options.fetch } : {}),
            ...(options.maxDownloadBytes ? { maxBytes: options.maxDownloadBytes } : {}),
          });
          if (result.status === 'not-modified') {
            builder.markUnchanged(source.name);
            return { ...base, status: 'not-modified' };
          }
          if (result.status === 'not-found') {
            return source.optional
              ? { ...base, status: 'not-found' }
              : { ...base, status: 'failed', error: 'HTTP 404 Not Found' };
          }
          const counts = builder.importSource(source, zipEntries(file, source.location, limits), {
            full: true,
            validators: result.validators,
          });
          return { ...base, status: 'imported', counts };
        } finally {
          rmSync(file, { force: true });
        }
      }
      case 'zip':
        return {
          ...base,
          status: 'imported',
          counts: builder.importSource(source, zipEntries(source.location, source.location, limits), {
            full: true,
          }),
        };
      case 'dir':
        return {
          ...base,
          status: 'imported',
          counts: builder.importSource(source, directoryEntries(source.location, limits.maxEntryBytes), {
            full: true,
          }),
        };
      case 'json':
        return {
          ...base,
          status: 'imported',
          counts: builder.importSource(source, jsonFileEntries(source.location, limits.maxEntryBytes), {
            full: false,
          }),
        };
    }
  } catch (error) {
    return { ...base, status: 'failed', error: errorMessage(error) };
  }
}

/**
 * Every `*.json` entry of a dump, at any depth (osv.dev puts them at the top). Deflated entries also hand over
 * their compressed bytes, which the database stores as they are (checked first: the text's CRC-32 is verified).
 */
function* zipEntries(file: string, label: string, limits: ZipLimits): Generator<RecordEntry> {
  const zip = ZipReader.open(file, limits);
  try {
    for (const entry of zip.entries) {
      if (!entry.name.endsWith('.json')) continue;
      const { text, raw } = zip.readTextAndRaw(entry);
      const where = `${label}!${entry.name}`;
      yield entry.method === 8 ? { text, where, deflated: raw } : { text, where };
    }
  } finally {
    zip.close();
  }
}

/** `*.json` files under `dir`, sorted for a deterministic import; symbolic links are not followed. */
function* directoryEntries(dir: string, maxBytes: number): Generator<{ text: string; where: string }> {
  const names = readdirSync(dir).sort();
  for (const name of names) {
    const path = join(dir, name);
    const info = lstatSync(path);
    if (info.isDirectory()) yield* directoryEntries(path, maxBytes);
    else if (info.isFile() && name.endsWith('.json')) {
      if (info.size > maxBytes)
        throw new InputError(`${path}: ${info.size} bytes is over the limit`, { code: 'LIMIT' });
      yield { text: readFileSync(path, 'utf8'), where: path };
    }
  }
}

/** One JSON file holding a record or a list of records. */
function* jsonFileEntries(path: string, maxBytes: number): Generator<{ text: string; where: string }> {
  if (lstatSync(path).size > maxBytes)
    throw new InputError(`${path}: over the size limit`, { code: 'LIMIT' });
  const text = readFileSync(path, 'utf8');
  if (!text.trimStart().startsWith('[')) {
    yield { text, where: path };
    return;
  }
  const list = JSON.parse(text) as unknown;
  if (!Array.isArray(list)) throw new InputError(`${path}: not a record or a list of records`);
  for (const [i, item] of list.entries()) yield { text: JSON.stringify(item), where: `${path}[${i}]` };
}
