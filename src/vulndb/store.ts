import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { InputError, errorMessage } from '../core/errors.js';
import type { OsvRecord } from './osv.js';
import { normalizePackageName, parseOsvRecord } from './osv.js';
import { checkFormat } from './schema.js';
import { decodeStoredRecord } from './stored-record.js';
import { acquireLock } from './lock.js';

export interface SourceStatus {
  name: string;
  location: string;
  kind: string;
  records: number;
  withdrawn: number;
  updatedAt?: string;
  checkedAt?: string;
}

export interface DbStatus {
  path: string;
  bytes: number;
  builtAt?: string;
  records: number;
  sources: SourceStatus[];
  /** Distinct records per ecosystem base name. */
  ecosystems: { ecosystem: string; records: number }[];
}

/** A record index row: which ecosystem (with release) of which package a record names. */
export interface AffectedRow {
  ecosystem: string;
  vulnId: string;
}

/**
 * The read side: opened read-only, so a scan can never damage the database and an update can swap the file
 * under a running scan (the scan keeps its open file).
 */
export class VulnStore {
  private readonly byPackage: Database.Statement;
  private readonly byId: Database.Statement;
  private readonly byAlias: Database.Statement;
  private readonly packageRows: Database.Statement;
  private readonly cache = new Map<string, OsvRecord | undefined>();

  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
  ) {
    this.byPackage = db
      .prepare(
        `SELECT a.ecosystems, v.id FROM affected a JOIN vulns v ON v.rowid = a.vuln
         WHERE a.base = ? AND a.name = ?`,
      )
      .raw();
    // Only the match table (through its package index): no whole record is read.
    this.packageRows = db
      .prepare('SELECT ecosystems, match, vuln FROM affected WHERE base = ? AND name = ?')
      .raw();
    this.byId = db.prepare('SELECT codec, data FROM vulns WHERE id = ?').raw();
    this.byAlias = db
      .prepare('SELECT v.id FROM aliases a JOIN vulns v ON v.rowid = a.vuln WHERE a.alias = ?')
      .pluck();
  }

  static open(path: string): VulnStore {
    if (!existsSync(path)) {
      throw new InputError(
        `no vulnerability database at ${path}; run "kubeward db update" (or "db import FILE") first`,
      );
    }
    let db: Database.Database;
    try {
      db = new Database(path, { readonly: true, fileMustExist: true });
    } catch (error) {
      throw new InputError(`${path}: cannot open the vulnerability database: ${errorMessage(error)}`, {
        cause: error,
      });
    }
    try {
      // Matching reads scattered rows of a large file: mapping it avoids a read() per page.
      db.pragma('mmap_size = 4294967296');
      checkFormat(db, path);
    } catch (error) {
      db.close();
      throw error;
    }
    return new VulnStore(db, path);
  }

  /** Index rows naming package `name` in ecosystem family `base` (any release): one per ecosystem and record. */
  affectedRows(base: string, name: string): AffectedRow[] {
    const rows = this.byPackage.all(base, normalizePackageName(base, name)) as [string, string][];
    return rows.flatMap(([ecosystems, vulnId]) =>
      ecosystems.split('\n').map((ecosystem) => ({ ecosystem, vulnId })),
    );
  }

  /**
   * See VulnSource.recordsFor: one range scan of the match table, no record read. The records are trimmed to
   * what matching and its report read (match-record.ts); `record(id)` gives the whole one.
   */
  recordsFor(base: string, name: string, accepts: (ecosystem: string) => boolean): OsvRecord[] {
    const rows = this.packageRows.all(base, normalizePackageName(base, name)) as [string, string, number][];
    const records: OsvRecord[] = [];
    for (const [ecosystems, match, rowid] of rows) {
      if (!acceptsAny(ecosystems, accepts)) continue;
      records.push(parseOsvRecord(match, `${this.path}: match row ${rowid}`));
    }
    return records;
  }

  /** One record by id, whole, parsed once per store. */
  record(id: string): OsvRecord | undefined {
    if (this.cache.has(id)) return this.cache.get(id);
    const row = this.byId.get(id) as [number, Buffer | string] | undefined;
    const where = `${this.path}: ${id}`;
    const record =
      row === undefined ? undefined : parseOsvRecord(decodeStoredRecord(row[0], row[1], where), where);
    this.cache.set(id, record);
    return record;
  }

  /** Records whose id or alias is `idOrAlias`. */
  lookup(idOrAlias: string): OsvRecord[] {
    const ids = new Set([idOrAlias, ...(this.byAlias.all(idOrAlias) as string[])]);
    return [...ids].map((id) => this.record(id)).filter((r): r is OsvRecord => r !== undefined);
  }

  builtAt(): string | undefined {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'built_at'").pluck().get() as
      string | undefined;
    return row;
  }

  status(): DbStatus {
    const sources = (
      this.db
        .prepare(
          `SELECT name, location, kind, records, withdrawn, updated_at AS updatedAt, checked_at AS checkedAt
           FROM sources ORDER BY name`,
        )
        .all() as (SourceStatus & { updatedAt: string | null; checkedAt: string | null })[]
    ).map((s) => ({
      name: s.name,
      location: s.location,
      kind: s.kind,
      records: s.records,
      withdrawn: s.withdrawn,
      ...(s.updatedAt ? { updatedAt: s.updatedAt } : {}),
      ...(s.checkedAt ? { checkedAt: s.checkedAt } : {}),
    }));
    const ecosystems = this.db
      .prepare(
        'SELECT base AS ecosystem, COUNT(DISTINCT vuln) AS records FROM affected GROUP BY base ORDER BY base',
      )
      .all() as { ecosystem: string; records: number }[];
    const builtAt = this.builtAt();
    return {
      path: this.path,
      bytes: statSync(this.path).size,
      ...(builtAt ? { builtAt } : {}),
      records: this.db.prepare('SELECT COUNT(*) FROM vulns').pluck().get() as number,
      sources,
      ecosystems,
    };
  }

  /** A compact, consistent single-file copy (for `db export` into an air-gapped network). */
  exportTo(file: string): void {
    rmSync(file, { force: true });
    this.db.prepare('VACUUM INTO ?').run(file);
  }

  /** SQLite's `quick_check`: "ok" or the first problem found. */
  quickCheck(): string {
    return String(this.db.pragma('quick_check', { simple: true }));
  }

  close(): void {
    this.db.close();
  }
}

/** Whether `accepts` takes one of the newline-separated ecosystems (usually one, `Debian:11\nDebian:12` at most a few). */
function acceptsAny(ecosystems: string, accepts: (ecosystem: string) => boolean): boolean {
  if (!ecosystems.includes('\n')) return accepts(ecosystems);
  return ecosystems.split('\n').some(accepts);
}

/**
 * Installs a database file made by `db export` as `target`: it is checked first (format, integrity), copied
 * next to the target and renamed over it, so a bad file never replaces a working database.
 */
export function importDatabaseFile(file: string, target: string): void {
  const check = VulnStore.open(file);
  try {
    const result = check.quickCheck();
    if (result !== 'ok') throw new InputError(`${file}: database is damaged (${result})`);
  } finally {
    check.close();
  }
  mkdirSync(dirname(target), { recursive: true });
  const lock = acquireLock(`${target}.lock`);
  const temp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    copyFileSync(file, temp);
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new InputError(`cannot install ${file} as ${target}: ${errorMessage(error)}`, { cause: error });
  } finally {
    lock.release();
  }
}
