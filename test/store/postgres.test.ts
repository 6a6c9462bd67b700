import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { InputError, RemoteError, UsageError } from '../../src/core/errors.js';
import { openStore } from '../../src/store/index.js';
import { POSTGRES_MIGRATIONS, POSTGRES_SCHEMA_VERSION, PostgresStore } from '../../src/store/postgres.js';
import type { RunningPostgres } from '../helpers/postgres.js';
import { postgresUnavailable, startPostgres } from '../helpers/postgres.js';
import { runContract, scan } from './contract.js';

const skip = postgresUnavailable();
let server: RunningPostgres;
if (!skip) {
  before(async () => {
    server = await startPostgres();
  });
  after(async () => server?.stop());

  runContract(
    'postgres',
    async () => {
      const url = await server.createDatabase();
      return { open: () => openStore(url) };
    },
    async (seed) => {
      // What a kubeward release before fleets wrote: the first migration only, schema_version 1.
      const url = await server.createDatabase();
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query('CREATE TABLE kubeward_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
        for (const statement of POSTGRES_MIGRATIONS[0]?.statements ?? []) await client.query(statement);
        await client.query("INSERT INTO kubeward_meta (key, value) VALUES ('schema_version', '1')");
        for (const statement of seed) await client.query(statement);
      } finally {
        await client.end();
      }
      return { open: () => openStore(url) };
    },
  );
}

test('postgres: replicas opening a new database at once create the schema once', { skip }, async () => {
  const url = await server.createDatabase();
  const stores = await Promise.all(Array.from({ length: 6 }, () => openStore(url)));
  try {
    assert.ok(stores.every((s) => s.kind === 'postgres'));
    await stores[0]?.putImageScan(scan());
    for (const store of stores) assert.equal((await store.imageScans('sha256:aaaa')).length, 1);
    assert.equal(await (stores[1] as PostgresStore).schemaVersion(), POSTGRES_SCHEMA_VERSION);
  } finally {
    await Promise.all(stores.map((s) => s.close()));
  }
});

test('postgres: prefix queries and lookups use the indexes', { skip }, async () => {
  const url = await server.createDatabase();
  const store = await openStore(url);
  await store.close();
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SET enable_seqscan = off');
    const plan = async (sql: string) =>
      (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`)).rows
        .map((r) => r['QUERY PLAN'])
        .join('\n');
    assert.match(
      await plan("SELECT * FROM latest_image_scans WHERE repository >= 'a/' AND repository < 'a0'"),
      /latest_image_scans_pkey/,
    );
    assert.match(
      await plan("SELECT * FROM image_scans WHERE digest = 'x' ORDER BY scanned_ms DESC, id DESC LIMIT 2"),
      /image_scans_by_digest/,
    );
    assert.match(
      await plan(
        "SELECT * FROM runs WHERE target = 't' AND finished_at IS NULL ORDER BY started_ms DESC, seq DESC LIMIT 1",
      ),
      /runs_unfinished_by_target/,
    );
    assert.match(
      await plan("SELECT * FROM run_items WHERE run_id = 'r' AND digest = 'd'"),
      /run_items_by_digest|run_items_pkey/,
    );
  } finally {
    await client.end();
  }
});

test('postgres: a newer schema is refused', { skip }, async () => {
  const url = await server.createDatabase();
  await (await openStore(url)).close();
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query("UPDATE kubeward_meta SET value = '99' WHERE key = 'schema_version'");
  await client.end();
  await assert.rejects(openStore(url), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.match(
      error.message,
      new RegExp(
        `schema version 99 is newer than this kubeward supports \\(${POSTGRES_SCHEMA_VERSION}\\); upgrade kubeward$`,
      ),
    );
    assert.ok(!error.message.includes(server.password));
    return true;
  });
});

test(
  'postgres: an unreachable server gives one line naming the host, never the password',
  { skip },
  async () => {
    const cases = [
      {
        url: 'postgres://kw:hunter2-secret@127.0.0.1:1/store',
        host: /postgres:\/\/kw@127\.0\.0\.1:1\/store: cannot open the kubeward store: connect ECONNREFUSED/,
      },
      {
        url: 'postgresql://kw:p%40ss-secret@127.0.0.1:1/store?sslmode=disable',
        host: /postgres:\/\/kw@127\.0\.0\.1:1\/store: /,
      },
    ];
    for (const { url, host } of cases) {
      await assert.rejects(openStore(url, { connectTimeoutMs: 2000 }), (error: unknown) => {
        assert.ok(error instanceof RemoteError);
        assert.match(error.message, host);
        assert.ok(!/secret|hunter2|p@ss|p%40ss/.test(error.message), error.message);
        assert.ok(!error.message.includes('\n'));
        return true;
      });
    }
  },
);

test('postgres: a wrong password is reported without echoing it', { skip }, async () => {
  const url = server.url().replace(encodeURIComponent(server.password), 'Wrong-Password-123');
  await assert.rejects(openStore(url), (error: unknown) => {
    assert.ok(error instanceof RemoteError);
    assert.equal(
      error.message,
      `postgres://postgres@127.0.0.1:${server.port}/postgres: cannot open the kubeward store: password authentication failed for user "postgres"`,
    );
    return true;
  });
});

// Stops the server: keep it after every test that needs one.
test(
  'postgres: a server gone away turns queries into one-line RemoteErrors naming it',
  { skip },
  async () => {
    const url = await server.createDatabase();
    const store = await openStore(url);
    try {
      await store.putImageScan(scan());
      await server.stop();
      await assert.rejects(store.imageScans('sha256:aaaa'), (error: unknown) => {
        assert.ok(error instanceof RemoteError);
        const database = new URL(url).pathname.slice(1);
        assert.ok(
          error.message.startsWith(
            `postgres://postgres@127.0.0.1:${server.port}/${database}: kubeward store: `,
          ),
          error.message,
        );
        assert.ok(!error.message.includes('\n'));
        assert.ok(!error.message.includes(server.password));
        return true;
      });
    } finally {
      await store.close();
    }
  },
);

test('postgres: a malformed URL is a usage error that hides the password', async () => {
  for (const url of ['postgres://kw:p@ss-secret@[bad/db', 'postgresql://kw:secret@127.0.0.1:99999/db']) {
    await assert.rejects(openStore(url), (error: unknown) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, /^store: not a valid PostgreSQL URL: postgres(ql)?:\/\/kw:\*\*\*@/);
      assert.ok(!/secret|p@ss/.test(error.message), error.message);
      return true;
    });
  }
});
