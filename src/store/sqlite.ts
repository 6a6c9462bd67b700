import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { InputError, errorMessage } from '../core/errors.js';
import type {
  BuildRecord,
  ImageScanRecord,
  PostureSnapshot,
  RunItem,
  ScanRun,
  Store,
  StoredAlert,
  WorkloadRecord,
} from './model.js';
import type {
  AlertRow,
  BuildRow,
  ImageScanRow,
  PostureRow,
  RunItemRow,
  RunRow,
  WorkloadRow,
} from './records.js';
import {
  clusterName,
  decodeAlert,
  decodeBuild,
  decodeImageScan,
  decodePosture,
  decodeRun,
  decodeRunItem,
  decodeWorkload,
  dedupeWorkloads,
  encodeImageScan,
  queryLimit,
  repositoryRange,
  requireText,
  timestampMs,
  validateRunItem,
} from './records.js';

/**
 * Schema migrations, oldest first. A newer schema is a new entry at the end; never edit a shipped entry, since
 * stores in the field have already run it. `meta.schema_version` records the last one applied.
 */
export const SQLITE_MIGRATIONS: readonly { version: number; statements: readonly string[] }[] = [
  {
    version: 1,
    statements: [
      `CREATE TABLE image_scans (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        digest TEXT NOT NULL,
        repository TEXT NOT NULL,
        tags TEXT NOT NULL,
        scanned_at TEXT NOT NULL,
        scanned_ms INTEGER NOT NULL,
        db_version TEXT NOT NULL,
        packages INTEGER NOT NULL,
        vulnerabilities TEXT NOT NULL,
        origin TEXT,
        error TEXT
      )`,
      'CREATE INDEX image_scans_by_digest ON image_scans (digest, scanned_ms DESC, id DESC)',
      // One row per (repository, digest) pointing at its newest scan, kept in the same transaction as the scan.
      `CREATE TABLE latest_image_scans (
        repository TEXT NOT NULL,
        digest TEXT NOT NULL,
        scan_id INTEGER NOT NULL REFERENCES image_scans (id),
        scanned_ms INTEGER NOT NULL,
        PRIMARY KEY (repository, digest)
      )`,
      `CREATE TABLE builds (
        digest TEXT NOT NULL,
        pipeline TEXT NOT NULL,
        repository TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        recorded_ms INTEGER NOT NULL,
        PRIMARY KEY (digest, pipeline)
      )`,
      `CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        target TEXT NOT NULL,
        started_at TEXT NOT NULL,
        started_ms INTEGER NOT NULL,
        finished_at TEXT,
        db_version TEXT NOT NULL
      )`,
      // rowid (insertion order) breaks ties between runs started in the same millisecond.
      'CREATE INDEX runs_unfinished_by_target ON runs (target, started_ms DESC) WHERE finished_at IS NULL',
      'CREATE INDEX runs_by_start ON runs (started_ms DESC)',
      `CREATE TABLE run_items (
        run_id TEXT NOT NULL REFERENCES runs (id),
        repository TEXT NOT NULL,
        tag TEXT NOT NULL,
        digest TEXT NOT NULL,
        done INTEGER NOT NULL,
        PRIMARY KEY (run_id, repository, tag)
      )`,
      'CREATE INDEX run_items_by_digest ON run_items (run_id, digest)',
      `CREATE TABLE workloads (
        namespace TEXT NOT NULL,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        images TEXT NOT NULL,
        seen_at TEXT NOT NULL,
        PRIMARY KEY (namespace, kind, name)
      )`,
      `CREATE TABLE posture_snapshots (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        taken_at TEXT NOT NULL,
        taken_ms INTEGER NOT NULL,
        counts TEXT NOT NULL,
        findings TEXT NOT NULL,
        has_findings INTEGER NOT NULL
      )`,
      'CREATE INDEX posture_by_time ON posture_snapshots (taken_ms DESC, id DESC)',
      `CREATE TABLE alerts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        rule TEXT NOT NULL,
        priority TEXT NOT NULL,
        time TEXT NOT NULL,
        time_ms INTEGER NOT NULL,
        message TEXT NOT NULL,
        namespace TEXT,
        user_name TEXT
      )`,
      'CREATE INDEX alerts_by_time ON alerts (time_ms DESC, id DESC)',
    ],
  },
  {
    // Fleets: several clusters share one store. SQLite cannot change a primary key in place, so the workloads
    // table is rebuilt; rows written before clusters existed belong to `default`.
    version: 2,
    statements: [
      `CREATE TABLE workloads_v2 (
        cluster TEXT NOT NULL,
        namespace TEXT NOT NULL,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        images TEXT NOT NULL,
        seen_at TEXT NOT NULL,
        PRIMARY KEY (cluster, namespace, kind, name)
      )`,
      `INSERT INTO workloads_v2 (cluster, namespace, kind, name, images, seen_at)
        SELECT 'default', namespace, kind, name, images, seen_at FROM workloads`,
      'DROP TABLE workloads',
      'ALTER TABLE workloads_v2 RENAME TO workloads',
      "ALTER TABLE posture_snapshots ADD COLUMN cluster TEXT NOT NULL DEFAULT 'default'",
      'CREATE INDEX posture_by_cluster_time ON posture_snapshots (cluster, taken_ms DESC, id DESC)',
    ],
  },
];

export const SQLITE_SCHEMA_VERSION = SQLITE_MIGRATIONS.at(-1)?.version ?? 0;

const IMAGE_SCAN_COLUMNS =
  's.digest, s.repository, s.tags, s.scanned_at, s.db_version, s.packages, s.vulnerabilities, s.origin, s.error';

/**
 * The embedded store: one SQLite file in WAL mode, so a reader never blocks the writer and a process killed
 * mid-write loses only its uncommitted transaction. Several processes may share the file (busy_timeout).
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;

  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
  ) {}

  static open(path: string): SqliteStore {
    let db: Database.Database | undefined;
    try {
      mkdirSync(dirname(path), { recursive: true });
      db = new Database(path);
      // Several writers (CI jobs, a serve process and a registry scan) may share the file: wait, don't fail.
      db.pragma('busy_timeout = 5000');
      // Before WAL is switched on, which would already change another program's database file.
      const opened = db;
      // One read transaction: both reads see the same snapshot, even while another process creates the schema.
      opened.transaction(() => {
        if (readSchemaVersion(opened) === 0) refuseForeignDatabase(opened, path);
      })();
      db.pragma('journal_mode = WAL');
      // With WAL, NORMAL still never corrupts the file; a power cut may lose the last commits, a killed process not.
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrate(db, path);
      return new SqliteStore(db, path);
    } catch (error) {
      db?.close();
      if (error instanceof InputError) throw error;
      throw new InputError(`${path}: cannot open the kubeward store: ${oneLine(errorMessage(error))}`, {
        cause: error,
      });
    }
  }

  /** The schema version recorded in the file (for `status` output and tests). */
  schemaVersion(): number {
    return this.guard(() => readSchemaVersion(this.db));
  }

  async putImageScan(record: ImageScanRecord): Promise<void> {
    const row = encodeImageScan(record);
    this.write(() => {
      const info = this.db
        .prepare(
          `INSERT INTO image_scans (digest, repository, tags, scanned_at, scanned_ms, db_version, packages,
             vulnerabilities, origin, error)
           VALUES (@digest, @repository, @tags, @scanned_at, @scanned_ms, @db_version, @packages, @vulnerabilities,
             @origin, @error)`,
        )
        .run(row);
      // A scan that arrives late (an older scannedAt, e.g. from a slow shard) does not displace a newer one.
      this.db
        .prepare(
          `INSERT INTO latest_image_scans (repository, digest, scan_id, scanned_ms) VALUES (?, ?, ?, ?)
           ON CONFLICT (repository, digest) DO UPDATE SET scan_id = excluded.scan_id, scanned_ms = excluded.scanned_ms
           WHERE excluded.scanned_ms >= latest_image_scans.scanned_ms`,
        )
        .run(row.repository, row.digest, info.lastInsertRowid, row.scanned_ms);
    });
  }

  async imageScans(digest: string, limit?: number): Promise<ImageScanRecord[]> {
    const n = queryLimit(limit, 2);
    const rows = this.guard(
      () =>
        this.db
          .prepare(
            `SELECT ${IMAGE_SCAN_COLUMNS} FROM image_scans s WHERE s.digest = ?
             ORDER BY s.scanned_ms DESC, s.id DESC LIMIT ?`,
          )
          .all(digest, n) as ImageScanRow[],
    );
    return rows.map(decodeImageScan);
  }

  async latestImageScans(repositoryPrefix?: string): Promise<ImageScanRecord[]> {
    const rows = this.guard(() => {
      const select = `SELECT ${IMAGE_SCAN_COLUMNS} FROM latest_image_scans l JOIN image_scans s ON s.id = l.scan_id`;
      const order = 'ORDER BY l.repository, l.digest';
      if (repositoryPrefix === undefined || repositoryPrefix === '') {
        return this.db.prepare(`${select} ${order}`).all() as ImageScanRow[];
      }
      const range = repositoryRange(repositoryPrefix);
      return this.db
        .prepare(
          `${select} WHERE l.repository = @exact OR (l.repository >= @from AND l.repository < @to) ${order}`,
        )
        .all(range) as ImageScanRow[];
    });
    return rows.map(decodeImageScan);
  }

  async recordBuild(record: BuildRecord): Promise<void> {
    const row = {
      digest: requireText(record.digest, 'build digest'),
      pipeline: requireText(record.pipeline, 'build pipeline'),
      repository: record.repository,
      recorded_at: record.recordedAt,
      recorded_ms: timestampMs(record.recordedAt, 'build recordedAt'),
    };
    this.write(() =>
      this.db
        .prepare(
          `INSERT INTO builds (digest, pipeline, repository, recorded_at, recorded_ms)
           VALUES (@digest, @pipeline, @repository, @recorded_at, @recorded_ms) ON CONFLICT DO NOTHING`,
        )
        .run(row),
    );
  }

  async findBuild(digest: string): Promise<BuildRecord | undefined> {
    const row = this.guard(
      () =>
        this.db
          .prepare(
            `SELECT digest, repository, pipeline, recorded_at FROM builds WHERE digest = ?
             ORDER BY recorded_ms, pipeline LIMIT 1`,
          )
          .get(digest) as BuildRow | undefined,
    );
    return row && decodeBuild(row);
  }

  async startRun(run: ScanRun): Promise<void> {
    const row = {
      id: requireText(run.id, 'run id'),
      target: requireText(run.target, 'run target'),
      started_at: run.startedAt,
      started_ms: timestampMs(run.startedAt, 'run startedAt'),
      finished_at: run.finishedAt ?? null,
      db_version: run.dbVersion ?? '',
    };
    if (run.finishedAt !== undefined) timestampMs(run.finishedAt, 'run finishedAt');
    this.write(() =>
      this.db
        .prepare(
          `INSERT INTO runs (id, target, started_at, started_ms, finished_at, db_version)
           VALUES (@id, @target, @started_at, @started_ms, @finished_at, @db_version) ON CONFLICT (id) DO NOTHING`,
        )
        .run(row),
    );
  }

  async unfinishedRun(target: string): Promise<ScanRun | undefined> {
    const row = this.guard(
      () =>
        this.db
          .prepare(
            `SELECT id, target, started_at, finished_at, db_version FROM runs
             WHERE target = ? AND finished_at IS NULL ORDER BY started_ms DESC, rowid DESC LIMIT 1`,
          )
          .get(target) as RunRow | undefined,
    );
    return row && decodeRun(row);
  }

  async finishRun(runId: string, finishedAt: string): Promise<void> {
    timestampMs(finishedAt, 'run finishedAt');
    this.write(() => this.db.prepare('UPDATE runs SET finished_at = ? WHERE id = ?').run(finishedAt, runId));
  }

  async recentRuns(limit?: number): Promise<ScanRun[]> {
    const n = queryLimit(limit);
    const rows = this.guard(
      () =>
        this.db
          .prepare(
            `SELECT id, target, started_at, finished_at, db_version FROM runs
             ORDER BY started_ms DESC, rowid DESC LIMIT ?`,
          )
          .all(n) as RunRow[],
    );
    return rows.map(decodeRun);
  }

  async putRunItems(items: RunItem[]): Promise<void> {
    items.forEach(validateRunItem);
    this.write(() => {
      const upsert = this.db.prepare(
        `INSERT INTO run_items (run_id, repository, tag, digest, done) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (run_id, repository, tag) DO UPDATE SET
           done = CASE WHEN run_items.digest = excluded.digest THEN MAX(run_items.done, excluded.done)
                       ELSE excluded.done END,
           digest = excluded.digest`,
      );
      for (const item of items)
        upsert.run(item.runId, item.repository, item.tag, item.digest, item.done ? 1 : 0);
    });
  }

  async markRunDigestDone(runId: string, digest: string): Promise<void> {
    this.write(() =>
      this.db
        .prepare('UPDATE run_items SET done = 1 WHERE run_id = ? AND digest = ? AND done = 0')
        .run(runId, digest),
    );
  }

  async runItems(runId: string): Promise<RunItem[]> {
    const rows = this.guard(
      () =>
        this.db
          .prepare(
            'SELECT run_id, repository, tag, digest, done FROM run_items WHERE run_id = ? ORDER BY repository, tag',
          )
          .all(runId) as RunItemRow[],
    );
    return rows.map(decodeRunItem);
  }

  async putWorkloads(workloads: WorkloadRecord[], seenAt: string, cluster?: string): Promise<void> {
    timestampMs(seenAt, 'workloads seenAt');
    const name = clusterName(cluster, 'workloads cluster');
    const unique = dedupeWorkloads(workloads);
    this.write(() => {
      this.db.prepare('DELETE FROM workloads WHERE cluster = ?').run(name);
      const insert = this.db.prepare(
        'INSERT INTO workloads (cluster, namespace, kind, name, images, seen_at) VALUES (?, ?, ?, ?, ?, ?)',
      );
      for (const w of unique)
        insert.run(name, w.namespace ?? '', w.kind, w.name, JSON.stringify(w.images ?? []), seenAt);
    });
  }

  async workloads(cluster?: string): Promise<WorkloadRecord[]> {
    const select = 'SELECT cluster, namespace, kind, name, images, seen_at FROM workloads';
    const order = 'ORDER BY cluster, namespace, kind, name';
    const rows = this.guard(() =>
      cluster === undefined
        ? (this.db.prepare(`${select} ${order}`).all() as WorkloadRow[])
        : (this.db.prepare(`${select} WHERE cluster = ? ${order}`).all(cluster) as WorkloadRow[]),
    );
    return rows.map(decodeWorkload);
  }

  async clusters(): Promise<string[]> {
    return this.guard(
      () =>
        this.db
          .prepare(
            'SELECT cluster FROM workloads UNION SELECT DISTINCT cluster FROM posture_snapshots ORDER BY cluster',
          )
          .pluck()
          .all() as string[],
    );
  }

  async putPostureSnapshot(snapshot: PostureSnapshot): Promise<void> {
    const takenMs = timestampMs(snapshot.takenAt, 'posture takenAt');
    const cluster = clusterName(snapshot.cluster, 'posture cluster');
    const counts = JSON.stringify(snapshot.counts ?? []);
    const findings = JSON.stringify(snapshot.findings ?? []);
    this.write(() => {
      this.db
        .prepare(
          `INSERT INTO posture_snapshots (cluster, taken_at, taken_ms, counts, findings, has_findings)
           VALUES (?, ?, ?, ?, ?, 1)`,
        )
        .run(cluster, snapshot.takenAt, takenMs, counts, findings);
      // Full findings are large and only each cluster's newest is shown; history charts need the counts alone.
      this.db
        .prepare(
          `UPDATE posture_snapshots SET findings = '[]', has_findings = 0
           WHERE cluster = @cluster AND has_findings = 1 AND id <>
             (SELECT id FROM posture_snapshots WHERE cluster = @cluster ORDER BY taken_ms DESC, id DESC LIMIT 1)`,
        )
        .run({ cluster });
    });
  }

  async postureHistory(limit?: number, cluster?: string): Promise<PostureSnapshot[]> {
    const n = queryLimit(limit);
    const select = 'SELECT cluster, taken_at, counts, findings FROM posture_snapshots';
    const order = 'ORDER BY taken_ms DESC, id DESC LIMIT ?';
    const rows = this.guard(() =>
      cluster === undefined
        ? (this.db.prepare(`${select} ${order}`).all(n) as PostureRow[])
        : (this.db.prepare(`${select} WHERE cluster = ? ${order}`).all(cluster, n) as PostureRow[]),
    );
    return rows.map(decodePosture);
  }

  async putAlerts(alerts: StoredAlert[]): Promise<void> {
    const rows = alerts.map((a) => ({
      rule: requireText(a.rule, 'alert rule'),
      priority: a.priority,
      time: a.time,
      time_ms: timestampMs(a.time, 'alert time'),
      message: a.message,
      namespace: a.namespace ?? null,
      user_name: a.user ?? null,
    }));
    this.write(() => {
      const insert = this.db.prepare(
        `INSERT INTO alerts (rule, priority, time, time_ms, message, namespace, user_name)
         VALUES (@rule, @priority, @time, @time_ms, @message, @namespace, @user_name)`,
      );
      for (const row of rows) insert.run(row);
    });
  }

  async alerts(limit?: number): Promise<StoredAlert[]> {
    const n = queryLimit(limit);
    const rows = this.guard(
      () =>
        this.db
          .prepare(
            'SELECT rule, priority, time, message, namespace, user_name FROM alerts ORDER BY time_ms DESC, id DESC LIMIT ?',
          )
          .all(n) as AlertRow[],
    );
    return rows.map(decodeAlert);
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  /** One write transaction, taken IMMEDIATE so two processes never deadlock upgrading a read lock. */
  private write<T>(body: () => T): T {
    return this.guard(() => this.db.transaction(body).immediate());
  }

  /** SQLite failures (busy past the timeout, disk full, a damaged file) as one-line errors naming the file. */
  private guard<T>(body: () => T): T {
    try {
      return body();
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError(`${this.path}: kubeward store: ${oneLine(errorMessage(error))}`, { cause: error });
    }
  }
}

function readSchemaVersion(db: Database.Database): number {
  const hasMeta = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").get();
  if (!hasMeta) return 0;
  const value = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get() as
    string | undefined;
  return value === undefined ? 0 : Number.parseInt(value, 10);
}

/** Applies the missing migrations in one IMMEDIATE transaction, so two processes opening a new file do not race. */
function migrate(db: Database.Database, path: string): void {
  // The common case, an up-to-date file, needs no write lock (and works on a read-only file).
  if (checkedSchemaVersion(db, path) === SQLITE_SCHEMA_VERSION) return;
  db.transaction(() => {
    const current = checkedSchemaVersion(db, path);
    if (current === SQLITE_SCHEMA_VERSION) return;
    if (current === 0) refuseForeignDatabase(db, path);
    db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    for (const migration of SQLITE_MIGRATIONS) {
      if (migration.version <= current) continue;
      for (const statement of migration.statements) db.exec(statement);
    }
    db.prepare(
      "INSERT INTO meta (key, value) VALUES ('schema_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    ).run(String(SQLITE_SCHEMA_VERSION));
  }).immediate();
}

/**
 * A file without a store schema version is new only when it holds no tables: the schema and its version are
 * written in one transaction. Anything else is another SQLite database (`--store` given the vulnerability
 * database or the first-seen state by mistake), which must not get the store's tables added to it.
 */
function refuseForeignDatabase(db: Database.Database, path: string): void {
  const tables = db
    .prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name LIMIT 4",
    )
    .pluck()
    .all() as string[];
  // Table names come from the file: only printable ASCII of them reaches the message.
  const shown = tables
    .join(', ')
    .replace(/[^\x20-\x7e]/g, '?')
    .slice(0, 200);
  if (tables.length > 0)
    throw new InputError(`${path}: not a kubeward store (an SQLite database with other tables: ${shown})`);
}

function checkedSchemaVersion(db: Database.Database, path: string): number {
  const current = readSchemaVersion(db);
  if (!Number.isInteger(current) || current < 0) {
    throw new InputError(`${path}: kubeward store: damaged schema version in the meta table`);
  }
  if (current > SQLITE_SCHEMA_VERSION) {
    throw new InputError(
      `${path}: kubeward store schema version ${current} is newer than this kubeward supports ` +
        `(${SQLITE_SCHEMA_VERSION}); upgrade kubeward`,
    );
  }
  return current;
}

function oneLine(message: string): string {
  return message.replace(/\s+/g, ' ').trim();
}
