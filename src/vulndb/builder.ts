/**
 * The write side of the database. An update never touches the live file: it copies it (or starts empty),
 * applies every source to the copy, and renames the copy over the original at the end. A crash, a bad source
 * or Ctrl-C before the rename leaves the old database exactly as it was; readers that hold the old file open
 * keep reading it.
 */
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Clock } from '../core/clock.js';
import { InputError, errorMessage } from '../core/errors.js';
import type { OsvRecord } from './osv.js';
import { parseOsvRecord } from './osv.js';
import { matchRowsOf } from './match-record.js';
import { DB_FORMAT, PAGE_SIZE, checkFormat, createIndexes, createSchema, dropIndexes } from './schema.js';
import { CODEC_DEFLATE_RAW, CODEC_TEXT, decodeStoredRecord } from './stored-record.js';
import { acquireLock, type Lock } from './lock.js';

export type SourceKind = 'url' | 'zip' | 'dir' | 'json';

export interface SourceInfo {
  name: string;
  location: string;
  kind: SourceKind;
}

export interface ImportCounts {
  /** Records read from the source. */
  read: number;
  added: number;
  updated: number;
  /** Already held with the same or a newer `modified`. */
  unchanged: number;
  /** Withdrawn records skipped (and removed when held). */
  withdrawn: number;
  /** Held records the source no longer publishes (full dumps only). */
  removed: number;
  invalid: number;
}

export interface HttpValidators {
  etag?: string;
  lastModified?: string;
}

const MAX_PROBLEMS = 20;

/** One record to import: its JSON text, where it came from, and the raw DEFLATE bytes a zip held it as. */
export interface RecordEntry {
  text: string;
  where: string;
  /** When given, stored instead of the text (the caller checked that it inflates to `text`). */
  deflated?: Uint8Array;
}

/** What the database holds for one id. */
interface Held {
  rowid: number;
  modified: string;
  /** During a fresh load: the source that wrote it, for the per-source counts. */
  source?: string;
}

export class DbBuilder {
  private readonly seen = new Map<string, Set<string>>();
  /** Rowids rewritten or removed during a fresh load; their index rows are rebuilt at the end. */
  private readonly dirty = new Set<number>();
  /** During a fresh load (no id index yet): every id written so far. */
  private readonly written = new Map<string, Held>();
  readonly problems: string[] = [];
  private readonly stmt: ReturnType<DbBuilder['prepare']>;

  private constructor(
    private readonly db: Database.Database,
    private readonly tempPath: string,
    private readonly targetPath: string,
    private readonly lock: Lock,
    private readonly clock: Clock,
    /** True when the database started empty: indexes are dropped and rebuilt once. */
    private readonly fresh: boolean,
  ) {
    this.stmt = this.prepare();
  }

  /** Starts an update of `targetPath` (created when missing). Only one update per file runs at a time. */
  static start(targetPath: string, clock: Clock, options: { rebuild?: boolean } = {}): DbBuilder {
    mkdirSync(dirname(targetPath), { recursive: true });
    const lock = acquireLock(`${targetPath}.lock`);
    const tempPath = `${targetPath}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      if (existsSync(targetPath) && !options.rebuild) copyFileSync(targetPath, tempPath);
      let db = openBuildFile(tempPath);
      const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'meta'").get() !== undefined;
      if (hasMeta) {
        const format = formatOf(db);
        if (format === undefined) checkFormat(db, targetPath);
        // A database of an older kubeward layout is rebuilt from the sources rather than refused.
        if (format !== String(DB_FORMAT)) {
          db.close();
          rmSync(tempPath, { force: true });
          db = openBuildFile(tempPath);
        }
      }
      createSchema(db);
      const fresh = db.prepare('SELECT 1 FROM vulns LIMIT 1').get() === undefined;
      if (fresh) dropIndexes(db);
      else createIndexes(db);
      return new DbBuilder(db, tempPath, targetPath, lock, clock, fresh);
    } catch (error) {
      rmSync(tempPath, { force: true });
      lock.release();
      throw error;
    }
  }

  private prepare() {
    const db = this.db;
    return {
      insert: db.prepare(
        'INSERT INTO vulns (id, source, modified, published, codec, data) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      update: db.prepare(
        'UPDATE vulns SET source = ?, modified = ?, published = ?, codec = ?, data = ? WHERE rowid = ?',
      ),
      held: db.prepare('SELECT rowid, modified FROM vulns WHERE id = ?'),
      deleteVuln: db.prepare('DELETE FROM vulns WHERE rowid = ?'),
      insertAffected: db.prepare(
        'INSERT INTO affected (base, name, vuln, ecosystems, match) VALUES (?, ?, ?, ?, ?)',
      ),
      insertAlias: db.prepare('INSERT INTO aliases (alias, vuln) VALUES (?, ?)'),
      deleteAffected: db.prepare('DELETE FROM affected WHERE vuln = ?'),
      deleteAliases: db.prepare('DELETE FROM aliases WHERE vuln = ?'),
      sourceRows: db.prepare('SELECT rowid, id FROM vulns WHERE source = ?'),
      dataOf: db.prepare('SELECT codec, data FROM vulns WHERE rowid = ?').raw(),
      validators: db.prepare('SELECT etag, last_modified AS lastModified FROM sources WHERE name = ?'),
      upsertSource: db.prepare(
        `INSERT INTO sources (name, location, kind, records, withdrawn, updated_at, checked_at, etag, last_modified)
         VALUES (@name, @location, @kind, @records, @withdrawn, @updatedAt, @checkedAt, @etag, @lastModified)
         ON CONFLICT (name) DO UPDATE SET location = excluded.location, kind = excluded.kind,
           records = excluded.records, withdrawn = excluded.withdrawn, updated_at = excluded.updated_at,
           checked_at = excluded.checked_at, etag = excluded.etag, last_modified = excluded.last_modified`,
      ),
      touchSource: db.prepare('UPDATE sources SET checked_at = ? WHERE name = ?'),
      countSource: db.prepare('SELECT COUNT(*) FROM vulns WHERE source = ?').pluck(),
    };
  }

  /** ETag and Last-Modified stored by the previous update of this source, for a conditional request. */
  validatorsOf(sourceName: string): HttpValidators {
    const row = this.stmt.validators.get(sourceName) as
      { etag: string | null; lastModified: string | null } | undefined;
    return {
      ...(row?.etag ? { etag: row.etag } : {}),
      ...(row?.lastModified ? { lastModified: row.lastModified } : {}),
    };
  }

  /**
   * Imports records from `entries` (JSON texts with where they came from) for one source, in one transaction.
   * With `full`, the source is a complete dump: held records of this source that it no longer lists go.
   */
  importSource(
    source: SourceInfo,
    entries: Iterable<RecordEntry>,
    options: { full: boolean; validators?: HttpValidators },
  ): ImportCounts {
    const counts: ImportCounts = {
      read: 0,
      added: 0,
      updated: 0,
      unchanged: 0,
      withdrawn: 0,
      removed: 0,
      invalid: 0,
    };
    const seen = new Set<string>();
    this.seen.set(source.name, seen);
    const run = this.db.transaction(() => {
      for (const entry of entries) {
        counts.read++;
        let record: OsvRecord;
        try {
          record = parseOsvRecord(entry.text, entry.where);
        } catch (error) {
          counts.invalid++;
          if (this.problems.length < MAX_PROBLEMS) this.problems.push(errorMessage(error));
          continue;
        }
        seen.add(record.id);
        this.importRecord(source.name, record, entry, counts);
      }
      if (options.full && !this.fresh) counts.removed = this.removeUnlisted(source.name, seen);
      const now = this.clock.now().toISOString();
      this.stmt.upsertSource.run({
        name: source.name,
        location: source.location,
        kind: source.kind,
        records: this.recordsOf(source.name),
        withdrawn: counts.withdrawn,
        updatedAt: now,
        checkedAt: now,
        etag: options.validators?.etag ?? null,
        lastModified: options.validators?.lastModified ?? null,
      });
    });
    run();
    return counts;
  }

  /** Records that a source was checked and had not changed (HTTP 304). */
  markUnchanged(sourceName: string): void {
    this.stmt.touchSource.run(this.clock.now().toISOString(), sourceName);
  }

  /** Records held for a source; during a fresh load from memory (there is no source index yet). */
  private recordsOf(sourceName: string): number {
    if (!this.fresh) return this.stmt.countSource.get(sourceName) as number;
    let count = 0;
    for (const held of this.written.values()) if (held.source === sourceName) count++;
    return count;
  }

  private heldOf(id: string): Held | undefined {
    if (this.fresh) return this.written.get(id);
    return this.stmt.held.get(id) as Held | undefined;
  }

  private importRecord(source: string, record: OsvRecord, entry: RecordEntry, counts: ImportCounts): void {
    const modified = normalizeTime(record.modified);
    const held = this.heldOf(record.id);
    if (record.withdrawn !== undefined) {
      counts.withdrawn++;
      // A withdrawal newer than what we hold removes it; an older one is stale news.
      if (held !== undefined && held.modified <= modified) this.removeRow(record.id, held.rowid);
      return;
    }
    if (held !== undefined && held.modified >= modified) {
      counts.unchanged++;
      return;
    }
    const published = record.published === undefined ? null : normalizeTime(record.published);
    const codec = entry.deflated ? CODEC_DEFLATE_RAW : CODEC_TEXT;
    const data = entry.deflated ?? entry.text;
    if (held === undefined) {
      counts.added++;
      const rowid = Number(
        this.stmt.insert.run(record.id, source, modified, published, codec, data).lastInsertRowid,
      );
      if (this.fresh) this.written.set(record.id, { rowid, modified, source });
      this.insertIndexRows(record, rowid);
      return;
    }
    counts.updated++;
    this.stmt.update.run(source, modified, published, codec, data, held.rowid);
    if (this.fresh) {
      held.modified = modified;
      held.source = source;
      this.dirty.add(held.rowid);
      return;
    }
    this.stmt.deleteAffected.run(held.rowid);
    this.stmt.deleteAliases.run(held.rowid);
    this.insertIndexRows(record, held.rowid);
  }

  private insertIndexRows(record: OsvRecord, rowid: number): void {
    for (const row of matchRowsOf(record))
      this.stmt.insertAffected.run(row.base, row.name, rowid, row.ecosystems, row.match);
    const aliases = record.aliases ?? [];
    if (aliases.length === 1) this.stmt.insertAlias.run(aliases[0], rowid);
    else for (const alias of new Set(aliases)) this.stmt.insertAlias.run(alias, rowid);
  }

  /** Deletes a record and its index rows (during a fresh load, the index rows go at the end). */
  private removeRow(id: string, rowid: number): void {
    this.stmt.deleteVuln.run(rowid);
    if (this.fresh) {
      this.written.delete(id);
      this.dirty.add(rowid);
      return;
    }
    this.stmt.deleteAffected.run(rowid);
    this.stmt.deleteAliases.run(rowid);
  }

  private removeUnlisted(source: string, seen: Set<string>): number {
    let removed = 0;
    for (const row of this.stmt.sourceRows.all(source) as { rowid: number; id: string }[]) {
      if (seen.has(row.id)) continue;
      this.removeRow(row.id, row.rowid);
      removed++;
    }
    return removed;
  }

  /** Builds indexes, writes the file to disk and swaps it in. The builder is finished afterwards. */
  commit(): void {
    try {
      createIndexes(this.db);
      if (this.dirty.size > 0) this.reindexDirty();
      this.db
        .prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)')
        .run('built_at', this.clock.now().toISOString());
      this.db.pragma('journal_mode = DELETE');
      this.db.close();
      const fd = openSync(this.tempPath, 'r+');
      try {
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(this.tempPath, this.targetPath);
    } catch (error) {
      this.abort();
      throw new InputError(
        `cannot finish the database update of ${this.targetPath}: ${errorMessage(error)}`,
        {
          cause: error,
        },
      );
    }
    this.lock.release();
  }

  private reindexDirty(): void {
    this.db.transaction(() => {
      for (const rowid of this.dirty) {
        this.stmt.deleteAffected.run(rowid);
        this.stmt.deleteAliases.run(rowid);
        const row = this.stmt.dataOf.get(rowid) as [number, Buffer | string] | undefined;
        if (row === undefined) continue;
        const where = `row ${rowid}`;
        this.insertIndexRows(parseOsvRecord(decodeStoredRecord(row[0], row[1], where), where), rowid);
      }
    })();
  }

  /** Drops the copy; the live database is untouched. */
  abort(): void {
    if (this.db.open) this.db.close();
    rmSync(this.tempPath, { force: true });
    this.lock.release();
  }
}

/** The copy is thrown away on failure, so it needs no journal; it is fsynced once before the rename. */
function openBuildFile(path: string): Database.Database {
  const db = new Database(path);
  // Takes effect only on a new, empty file; a copied database keeps its page size.
  db.pragma(`page_size = ${PAGE_SIZE}`);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('temp_store = MEMORY');
  return db;
}

function formatOf(db: Database.Database): string | undefined {
  try {
    return db.prepare("SELECT value FROM meta WHERE key = 'format'").pluck().get() as string | undefined;
  } catch {
    return undefined;
  }
}

/** RFC 3339 times in one spelling, so that SQLite compares them as strings correctly. */
export function normalizeTime(value: string): string {
  // The common spelling (`2024-01-02T03:04:05Z`) is rewritten without parsing a Date: imports do this 200,000 times.
  if (value.length === 20 && value[19] === 'Z' && value[10] === 'T') return `${value.slice(0, 19)}.000Z`;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : new Date(ms).toISOString();
}
