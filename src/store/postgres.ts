import type { Pool, PoolClient, QueryResultRow } from 'pg';
import { InputError, RemoteError, errorMessage } from '../core/errors.js';
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
import type { PostgresLocation } from './location.js';
import { redact } from './location.js';
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
 * Schema migrations, oldest first; append a new entry for a newer schema, never edit a shipped one. Repository
 * columns use `COLLATE "C"` so prefix ranges compare bytes (as SQLite does) and use the index. JSON columns
 * are `json`, not `jsonb`: `json` keeps the text as written, including `\u0000`, which `jsonb` refuses.
 */
export const POSTGRES_MIGRATIONS: readonly { version: number; statements: readonly string[] }[] = [
  {
    version: 1,
    statements: [
      `CREATE TABLE image_scans (
        id BIGSERIAL PRIMARY KEY,
        digest TEXT NOT NULL,
        repository TEXT COLLATE "C" NOT NULL,
        tags JSON NOT NULL,
        scanned_at TEXT NOT NULL,
        scanned_ms BIGINT NOT NULL,
        db_version TEXT NOT NULL,
        packages INTEGER NOT NULL,
        vulnerabilities JSON NOT NULL,
        origin TEXT,
        error TEXT
      )`,
      'CREATE INDEX image_scans_by_digest ON image_scans (digest, scanned_ms DESC, id DESC)',
      `CREATE TABLE latest_image_scans (
        repository TEXT COLLATE "C" NOT NULL,
        digest TEXT NOT NULL,
        scan_id BIGINT NOT NULL REFERENCES image_scans (id),
        scanned_ms BIGINT NOT NULL,
        PRIMARY KEY (repository, digest)
      )`,
      `CREATE TABLE builds (
        digest TEXT NOT NULL,
        pipeline TEXT NOT NULL,
        repository TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        recorded_ms BIGINT NOT NULL,
        PRIMARY KEY (digest, pipeline)
      )`,
      `CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        seq BIGSERIAL NOT NULL,
        target TEXT NOT NULL,
        started_at TEXT NOT NULL,
        started_ms BIGINT NOT NULL,
        finished_at TEXT,
        db_version TEXT NOT NULL
      )`,
      'CREATE INDEX runs_unfinished_by_target ON runs (target, started_ms DESC, seq DESC) WHERE finished_at IS NULL',
      'CREATE INDEX runs_by_start ON runs (started_ms DESC, seq DESC)',
      `CREATE TABLE run_items (
        run_id TEXT NOT NULL REFERENCES runs (id),
        repository TEXT NOT NULL,
        tag TEXT NOT NULL,
        digest TEXT NOT NULL,
        done BOOLEAN NOT NULL,
        PRIMARY KEY (run_id, repository, tag)
      )`,
      'CREATE INDEX run_items_by_digest ON run_items (run_id, digest)',
      `CREATE TABLE workloads (
        namespace TEXT NOT NULL,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        images JSON NOT NULL,
        seen_at TEXT NOT NULL,
        PRIMARY KEY (namespace, kind, name)
      )`,
      `CREATE TABLE posture_snapshots (
        id BIGSERIAL PRIMARY KEY,
        taken_at TEXT NOT NULL,
        taken_ms BIGINT NOT NULL,
        counts JSON NOT NULL,
        findings JSON NOT NULL,
        has_findings BOOLEAN NOT NULL
      )`,
      'CREATE INDEX posture_by_time ON posture_snapshots (taken_ms DESC, id DESC)',
      `CREATE TABLE alerts (
        id BIGSERIAL PRIMARY KEY,
        rule TEXT NOT NULL,
        priority TEXT NOT NULL,
        time TEXT NOT NULL,
        time_ms BIGINT NOT NULL,
        message TEXT NOT NULL,
        namespace TEXT,
        user_name TEXT
      )`,
      'CREATE INDEX alerts_by_time ON alerts (time_ms DESC, id DESC)',
    ],
  },
  {
    // Fleets: several clusters share one store; rows written before clusters existed belong to `default`.
    version: 2,
    statements: [
      "ALTER TABLE workloads ADD COLUMN cluster TEXT NOT NULL DEFAULT 'default'",
      'ALTER TABLE workloads DROP CONSTRAINT workloads_pkey',
      'ALTER TABLE workloads ADD PRIMARY KEY (cluster, namespace, kind, name)',
      "ALTER TABLE posture_snapshots ADD COLUMN cluster TEXT NOT NULL DEFAULT 'default'",
      'CREATE INDEX posture_by_cluster_time ON posture_snapshots (cluster, taken_ms DESC, id DESC)',
    ],
  },
];

export const POSTGRES_SCHEMA_VERSION = POSTGRES_MIGRATIONS.at(-1)?.version ?? 0;

/** Any fixed 64-bit key: every kubeward replica takes this advisory lock while it creates or migrates the schema. */
const SCHEMA_LOCK_KEY = 0x6b7562657761n; // "kubewa"

/** Rows per multi-row statement: keeps parameter arrays well inside PostgreSQL's message limits. */
const BATCH_ROWS = 2000;

const IMAGE_SCAN_COLUMNS = `s.digest, s.repository, s.tags::text AS tags, s.scanned_at, s.db_version, s.packages,
  s.vulnerabilities::text AS vulnerabilities, s.origin, s.error`;

/**
 * The shared store: several `serve` replicas and sharded registry-scan Jobs write to one database. Queries
 * are parameterised; writes that belong together are one transaction.
 */
export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  private closed = false;

  private constructor(
    private readonly pool: Pool,
    private readonly location: PostgresLocation,
  ) {}

  static async open(
    location: PostgresLocation,
    options: { maxConnections?: number; connectTimeoutMs?: number } = {},
  ): Promise<PostgresStore> {
    const { default: pg } = await import('pg');
    const pool = new pg.Pool({
      connectionString: location.url,
      max: options.maxConnections ?? 4,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      idleTimeoutMillis: 30_000,
    });
    // An idle connection dropped by the server (restart, failover) must not crash the process; the next
    // query opens a fresh one.
    pool.on('error', () => undefined);
    const store = new PostgresStore(pool, location);
    try {
      await store.rawTransaction(async (client) => migrate(client, location));
    } catch (error) {
      await pool.end().catch(() => undefined);
      if (error instanceof InputError) throw error;
      throw new RemoteError(
        `${location.display}: cannot open the kubeward store: ${describe(error, location.secrets)}`,
        { cause: error },
      );
    }
    return store;
  }

  async schemaVersion(): Promise<number> {
    const rows = await this.query<{ value: string }>(
      "SELECT value FROM kubeward_meta WHERE key = 'schema_version'",
    );
    return Number.parseInt(rows[0]?.value ?? '0', 10);
  }

  async putImageScan(record: ImageScanRecord): Promise<void> {
    const row = encodeImageScan(record);
    await this.transaction(async (client) => {
      const inserted = await client.query<{ id: string }>(
        `INSERT INTO image_scans (digest, repository, tags, scanned_at, scanned_ms, db_version, packages,
           vulnerabilities, origin, error)
         VALUES ($1, $2, $3::json, $4, $5, $6, $7, $8::json, $9, $10) RETURNING id`,
        [
          row.digest,
          row.repository,
          row.tags,
          row.scanned_at,
          row.scanned_ms,
          row.db_version,
          row.packages,
          row.vulnerabilities,
          row.origin,
          row.error,
        ],
      );
      // A scan that arrives late (an older scannedAt, e.g. from a slow shard) does not displace a newer one.
      await client.query(
        `INSERT INTO latest_image_scans (repository, digest, scan_id, scanned_ms) VALUES ($1, $2, $3, $4)
         ON CONFLICT (repository, digest) DO UPDATE SET scan_id = excluded.scan_id, scanned_ms = excluded.scanned_ms
         WHERE excluded.scanned_ms >= latest_image_scans.scanned_ms`,
        [row.repository, row.digest, inserted.rows[0]?.id, row.scanned_ms],
      );
    });
  }

  async imageScans(digest: string, limit?: number): Promise<ImageScanRecord[]> {
    const rows = await this.query<ImageScanRow>(
      `SELECT ${IMAGE_SCAN_COLUMNS} FROM image_scans s WHERE s.digest = $1
       ORDER BY s.scanned_ms DESC, s.id DESC LIMIT $2`,
      [digest, queryLimit(limit, 2)],
    );
    return rows.map(decodeImageScan);
  }

  async latestImageScans(repositoryPrefix?: string): Promise<ImageScanRecord[]> {
    const select = `SELECT ${IMAGE_SCAN_COLUMNS} FROM latest_image_scans l JOIN image_scans s ON s.id = l.scan_id`;
    const order = 'ORDER BY l.repository, l.digest';
    if (repositoryPrefix === undefined || repositoryPrefix === '') {
      return (await this.query<ImageScanRow>(`${select} ${order}`)).map(decodeImageScan);
    }
    const range = repositoryRange(repositoryPrefix);
    const rows = await this.query<ImageScanRow>(
      `${select} WHERE l.repository = $1 OR (l.repository >= $2 AND l.repository < $3) ${order}`,
      [range.exact, range.from, range.to],
    );
    return rows.map(decodeImageScan);
  }

  async recordBuild(record: BuildRecord): Promise<void> {
    await this.query(
      `INSERT INTO builds (digest, pipeline, repository, recorded_at, recorded_ms) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING`,
      [
        requireText(record.digest, 'build digest'),
        requireText(record.pipeline, 'build pipeline'),
        record.repository,
        record.recordedAt,
        timestampMs(record.recordedAt, 'build recordedAt'),
      ],
    );
  }

  async findBuild(digest: string): Promise<BuildRecord | undefined> {
    const rows = await this.query<BuildRow>(
      `SELECT digest, repository, pipeline, recorded_at FROM builds WHERE digest = $1
       ORDER BY recorded_ms, pipeline LIMIT 1`,
      [digest],
    );
    return rows[0] && decodeBuild(rows[0]);
  }

  async startRun(run: ScanRun): Promise<void> {
    if (run.finishedAt !== undefined) timestampMs(run.finishedAt, 'run finishedAt');
    await this.query(
      `INSERT INTO runs (id, target, started_at, started_ms, finished_at, db_version) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO NOTHING`,
      [
        requireText(run.id, 'run id'),
        requireText(run.target, 'run target'),
        run.startedAt,
        timestampMs(run.startedAt, 'run startedAt'),
        run.finishedAt ?? null,
        run.dbVersion ?? '',
      ],
    );
  }

  async unfinishedRun(target: string): Promise<ScanRun | undefined> {
    const rows = await this.query<RunRow>(
      `SELECT id, target, started_at, finished_at, db_version FROM runs
       WHERE target = $1 AND finished_at IS NULL ORDER BY started_ms DESC, seq DESC LIMIT 1`,
      [target],
    );
    return rows[0] && decodeRun(rows[0]);
  }

  async finishRun(runId: string, finishedAt: string): Promise<void> {
    timestampMs(finishedAt, 'run finishedAt');
    await this.query('UPDATE runs SET finished_at = $1 WHERE id = $2', [finishedAt, runId]);
  }

  async recentRuns(limit?: number): Promise<ScanRun[]> {
    const rows = await this.query<RunRow>(
      `SELECT id, target, started_at, finished_at, db_version FROM runs ORDER BY started_ms DESC, seq DESC LIMIT $1`,
      [queryLimit(limit)],
    );
    return rows.map(decodeRun);
  }

  async putRunItems(items: RunItem[]): Promise<void> {
    items.forEach(validateRunItem);
    // One statement cannot upsert a key twice, and concurrent writers must lock keys in one order (no deadlock).
    const unique = [
      ...new Map(items.map((i) => [JSON.stringify([i.runId, i.repository, i.tag]), i])).values(),
    ];
    unique.sort(
      (a, b) => compare(a.runId, b.runId) || compare(a.repository, b.repository) || compare(a.tag, b.tag),
    );
    await this.transaction(async (client) => {
      for (const batch of batches(unique)) {
        await client.query(
          `INSERT INTO run_items (run_id, repository, tag, digest, done)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::boolean[])
           ON CONFLICT (run_id, repository, tag) DO UPDATE SET
             done = CASE WHEN run_items.digest = excluded.digest THEN run_items.done OR excluded.done
                         ELSE excluded.done END,
             digest = excluded.digest`,
          [
            batch.map((i) => i.runId),
            batch.map((i) => i.repository),
            batch.map((i) => i.tag),
            batch.map((i) => i.digest),
            batch.map((i) => i.done),
          ],
        );
      }
    });
  }

  async markRunDigestDone(runId: string, digest: string): Promise<void> {
    await this.query('UPDATE run_items SET done = TRUE WHERE run_id = $1 AND digest = $2 AND NOT done', [
      runId,
      digest,
    ]);
  }

  async runItems(runId: string): Promise<RunItem[]> {
    const rows = await this.query<RunItemRow>(
      'SELECT run_id, repository, tag, digest, done FROM run_items WHERE run_id = $1 ORDER BY repository, tag',
      [runId],
    );
    return rows.map(decodeRunItem);
  }

  async putWorkloads(workloads: WorkloadRecord[], seenAt: string, cluster?: string): Promise<void> {
    timestampMs(seenAt, 'workloads seenAt');
    const name = clusterName(cluster, 'workloads cluster');
    const unique = dedupeWorkloads(workloads);
    await this.transaction(async (client) => {
      // Two replicas replacing a set at once would otherwise each delete the rows they can see and then
      // collide inserting; this lock lets readers through and serialises the replacers.
      await client.query('LOCK TABLE workloads IN SHARE ROW EXCLUSIVE MODE');
      await client.query('DELETE FROM workloads WHERE cluster = $1', [name]);
      for (const batch of batches(unique)) {
        await client.query(
          `INSERT INTO workloads (cluster, namespace, kind, name, images, seen_at)
           SELECT $6, n, k, w, i::json, $5 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t (n, k, w, i)`,
          [
            batch.map((w) => w.namespace ?? ''),
            batch.map((w) => w.kind),
            batch.map((w) => w.name),
            batch.map((w) => JSON.stringify(w.images ?? [])),
            seenAt,
            name,
          ],
        );
      }
    });
  }

  async workloads(cluster?: string): Promise<WorkloadRecord[]> {
    const select = 'SELECT cluster, namespace, kind, name, images::text AS images, seen_at FROM workloads';
    // Byte order, as SQLite sorts, whatever the database's collation.
    const order = 'ORDER BY cluster COLLATE "C", namespace COLLATE "C", kind COLLATE "C", name COLLATE "C"';
    const rows =
      cluster === undefined
        ? await this.query<WorkloadRow>(`${select} ${order}`)
        : await this.query<WorkloadRow>(`${select} WHERE cluster = $1 ${order}`, [cluster]);
    return rows.map(decodeWorkload);
  }

  async clusters(): Promise<string[]> {
    const rows = await this.query<{ cluster: string }>(
      `SELECT cluster FROM (SELECT cluster FROM workloads UNION SELECT cluster FROM posture_snapshots) AS c
       ORDER BY cluster COLLATE "C"`,
    );
    return rows.map((r) => r.cluster);
  }

  async putPostureSnapshot(snapshot: PostureSnapshot): Promise<void> {
    const takenMs = timestampMs(snapshot.takenAt, 'posture takenAt');
    const cluster = clusterName(snapshot.cluster, 'posture cluster');
    await this.transaction(async (client) => {
      await client.query(
        `INSERT INTO posture_snapshots (cluster, taken_at, taken_ms, counts, findings, has_findings)
         VALUES ($1, $2, $3, $4::json, $5::json, TRUE)`,
        [
          cluster,
          snapshot.takenAt,
          takenMs,
          JSON.stringify(snapshot.counts ?? []),
          JSON.stringify(snapshot.findings ?? []),
        ],
      );
      // Full findings are large and only each cluster's newest is shown; history charts need the counts alone.
      await client.query(
        `UPDATE posture_snapshots SET findings = '[]'::json, has_findings = FALSE
         WHERE cluster = $1 AND has_findings AND id <>
           (SELECT id FROM posture_snapshots WHERE cluster = $1 ORDER BY taken_ms DESC, id DESC LIMIT 1)`,
        [cluster],
      );
    });
  }

  async postureHistory(limit?: number, cluster?: string): Promise<PostureSnapshot[]> {
    const select =
      'SELECT cluster, taken_at, counts::text AS counts, findings::text AS findings FROM posture_snapshots';
    const rows =
      cluster === undefined
        ? await this.query<PostureRow>(`${select} ORDER BY taken_ms DESC, id DESC LIMIT $1`, [
            queryLimit(limit),
          ])
        : await this.query<PostureRow>(
            `${select} WHERE cluster = $2 ORDER BY taken_ms DESC, id DESC LIMIT $1`,
            [queryLimit(limit), cluster],
          );
    return rows.map(decodePosture);
  }

  async putAlerts(alerts: StoredAlert[]): Promise<void> {
    const rows = alerts.map((a) => ({
      rule: requireText(a.rule, 'alert rule'),
      priority: a.priority,
      time: a.time,
      timeMs: timestampMs(a.time, 'alert time'),
      message: a.message,
      namespace: a.namespace ?? null,
      user: a.user ?? null,
    }));
    await this.transaction(async (client) => {
      for (const batch of batches(rows)) {
        await client.query(
          `INSERT INTO alerts (rule, priority, time, time_ms, message, namespace, user_name)
           SELECT r, p, ti, ms, m, n, u
           FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[])
             WITH ORDINALITY AS t (r, p, ti, ms, m, n, u, o)
           ORDER BY o`,
          [
            batch.map((a) => a.rule),
            batch.map((a) => a.priority),
            batch.map((a) => a.time),
            batch.map((a) => a.timeMs),
            batch.map((a) => a.message),
            batch.map((a) => a.namespace),
            batch.map((a) => a.user),
          ],
        );
      }
    });
  }

  async alerts(limit?: number): Promise<StoredAlert[]> {
    const rows = await this.query<AlertRow>(
      `SELECT rule, priority, time, message, namespace, user_name FROM alerts ORDER BY time_ms DESC, id DESC LIMIT $1`,
      [queryLimit(limit)],
    );
    return rows.map(decodeAlert);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private async query<R extends QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    try {
      return (await this.pool.query<R>(text, values)).rows;
    } catch (error) {
      throw this.failure(error);
    }
  }

  /** Runs `body` in one transaction on one pooled connection; any failure rolls the whole of it back. */
  private async transaction<T>(body: (client: PoolClient) => Promise<T>): Promise<T> {
    try {
      return await this.rawTransaction(body);
    } catch (error) {
      throw this.failure(error);
    }
  }

  private async rawTransaction<T>(body: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      await client.query('BEGIN');
      const result = await body(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true; // the connection itself failed: drop it instead of returning it to the pool
      }
      throw error;
    } finally {
      client.release(broken);
    }
  }

  private failure(error: unknown): Error {
    if (error instanceof InputError || error instanceof RemoteError) return error;
    return new RemoteError(
      `${this.location.display}: kubeward store: ${describe(error, this.location.secrets)}`,
      {
        cause: error,
      },
    );
  }
}

async function migrate(client: PoolClient, location: PostgresLocation): Promise<void> {
  // Two replicas starting at once would both see no schema and race creating it; the second waits here and
  // then finds the schema current. Transaction-scoped, so it is released at COMMIT or ROLLBACK.
  await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK_KEY.toString()]);
  await client.query('CREATE TABLE IF NOT EXISTS kubeward_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  const found = await client.query<{ value: string }>(
    "SELECT value FROM kubeward_meta WHERE key = 'schema_version'",
  );
  const current = Number.parseInt(found.rows[0]?.value ?? '0', 10);
  if (!Number.isInteger(current) || current < 0) {
    throw new InputError(`${location.display}: kubeward store: damaged schema version in kubeward_meta`);
  }
  if (current > POSTGRES_SCHEMA_VERSION) {
    throw new InputError(
      `${location.display}: kubeward store schema version ${current} is newer than this kubeward supports ` +
        `(${POSTGRES_SCHEMA_VERSION}); upgrade kubeward`,
    );
  }
  if (current === POSTGRES_SCHEMA_VERSION) return;
  for (const migration of POSTGRES_MIGRATIONS) {
    if (migration.version <= current) continue;
    for (const statement of migration.statements) await client.query(statement);
  }
  await client.query(
    `INSERT INTO kubeward_meta (key, value) VALUES ('schema_version', $1)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    [String(POSTGRES_SCHEMA_VERSION)],
  );
}

/** One line from a driver or socket error; connecting to `localhost` may fail once per address (AggregateError). */
function describe(error: unknown, secrets: readonly string[]): string {
  const parts =
    error instanceof AggregateError && error.errors.length > 0
      ? error.errors.map((e) => errorMessage(e))
      : [errorMessage(error)];
  const code = (error as { code?: unknown } | null)?.code;
  let text = [...new Set(parts.filter((p) => p !== ''))].join('; ');
  if (text === '' && typeof code === 'string') text = code;
  return redact(text.replace(/\s+/g, ' ').trim() || 'unknown error', secrets);
}

function* batches<T>(rows: readonly T[]): Generator<T[]> {
  for (let i = 0; i < rows.length; i += BATCH_ROWS) yield rows.slice(i, i + BATCH_ROWS);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
