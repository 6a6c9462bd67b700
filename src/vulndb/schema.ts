/**
 * The on-disk layout of the vulnerability database. Records are kept as the source published them (`data`,
 * raw DEFLATE from a zip or UTF-8 text, see stored-record.ts), so `db export` loses nothing. The `affected`
 * table is what matching reads: one row per (ecosystem family, package, record), with the package name
 * normalised per ecosystem, the ecosystems (releases) it names, and the trimmed record matching needs
 * (match-record.ts), so a scan reads no whole record. Its rows are appended in import order and found through
 * `affected_package`: a table clustered by package (WITHOUT ROWID) reads fewer pages per package, but made the
 * import about 15% slower.
 */
import type Database from 'better-sqlite3';
import { InputError } from '../core/errors.js';

/** Bump when the layout changes: a database of another format is refused and must be rebuilt. */
export const DB_FORMAT = 3;

/** Pages of 16 KiB: a bulk load writes fewer, larger pages (about twice as fast as 4 KiB in a measurement). */
export const PAGE_SIZE = 16384;

export function createSchema(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS sources (
      name TEXT PRIMARY KEY,
      location TEXT NOT NULL,
      kind TEXT NOT NULL,
      records INTEGER NOT NULL DEFAULT 0,
      withdrawn INTEGER NOT NULL DEFAULT 0,
      updated_at TEXT,
      checked_at TEXT,
      etag TEXT,
      last_modified TEXT
    );
    CREATE TABLE IF NOT EXISTS vulns (
      rowid INTEGER PRIMARY KEY,
      id TEXT NOT NULL,
      source TEXT NOT NULL,
      modified TEXT NOT NULL,
      published TEXT,
      codec INTEGER NOT NULL,
      data BLOB NOT NULL
    );
    CREATE TABLE IF NOT EXISTS affected (
      base TEXT NOT NULL,
      name TEXT NOT NULL,
      vuln INTEGER NOT NULL,
      ecosystems TEXT NOT NULL,
      match TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS aliases (alias TEXT NOT NULL, vuln INTEGER NOT NULL);
  `);
  db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('format', String(DB_FORMAT));
}

/**
 * Indexes are built after a bulk load: one sort at the end is much cheaper than keeping them up to date. The
 * unique id index too: a fresh load keeps ids in memory instead.
 */
export function createIndexes(db: Database.Database): void {
  db.exec(`
    CREATE UNIQUE INDEX IF NOT EXISTS vulns_id ON vulns (id);
    CREATE INDEX IF NOT EXISTS vulns_source ON vulns (source);
    CREATE INDEX IF NOT EXISTS affected_package ON affected (base, name, vuln);
    CREATE INDEX IF NOT EXISTS affected_vuln ON affected (vuln);
    CREATE INDEX IF NOT EXISTS aliases_alias ON aliases (alias);
    CREATE INDEX IF NOT EXISTS aliases_vuln ON aliases (vuln);
  `);
}

export function dropIndexes(db: Database.Database): void {
  db.exec(`
    DROP INDEX IF EXISTS vulns_id;
    DROP INDEX IF EXISTS vulns_source;
    DROP INDEX IF EXISTS affected_package;
    DROP INDEX IF EXISTS affected_vuln;
    DROP INDEX IF EXISTS aliases_alias;
    DROP INDEX IF EXISTS aliases_vuln;
  `);
}

export function checkFormat(db: Database.Database, path: string): void {
  let format: string | undefined;
  try {
    format = (
      db.prepare("SELECT value FROM meta WHERE key = 'format'").get() as { value: string } | undefined
    )?.value;
  } catch (error) {
    throw new InputError(`${path}: not a kubeward vulnerability database`, { cause: error });
  }
  if (format !== String(DB_FORMAT)) {
    throw new InputError(
      `${path}: vulnerability database format ${format ?? 'unknown'}, expected ${DB_FORMAT}; run "kubeward db update" to rebuild it`,
    );
  }
}
