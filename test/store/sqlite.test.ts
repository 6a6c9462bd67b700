import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { InputError } from '../../src/core/errors.js';
import { defaultStorePath, openStore } from '../../src/store/index.js';
import { defaultStatePath } from '../../src/policy/first-seen-store.js';
import { SQLITE_MIGRATIONS, SQLITE_SCHEMA_VERSION, SqliteStore } from '../../src/store/sqlite.js';
import { runContract, scan } from './contract.js';

const dir = mkdtempSync(join(tmpdir(), 'kw-store-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshPath = () => join(dir, `s${++files}`, 'nested', 'store.db');

runContract(
  'sqlite',
  async () => {
    const path = freshPath();
    return { open: () => openStore(path) };
  },
  async (seed) => {
    // What a kubeward release before fleets wrote: the first migration only, schema_version 1.
    const path = join(dir, `s${++files}.db`);
    const db = new Database(path);
    db.exec('CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    for (const statement of SQLITE_MIGRATIONS[0]?.statements ?? []) db.exec(statement);
    db.prepare("INSERT INTO meta (key, value) VALUES ('schema_version', '1')").run();
    for (const statement of seed) db.exec(statement);
    db.close();
    return { open: () => openStore(path) };
  },
);

test('sqlite: a new file records the schema version in meta and reopens without migrating again', async () => {
  const path = freshPath();
  const store = await openStore(path);
  assert.equal(store.kind, 'sqlite');
  await store.putImageScan(scan());
  await store.close();
  const db = new Database(path, { readonly: true });
  assert.equal(
    db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").pluck().get(),
    String(SQLITE_SCHEMA_VERSION),
  );
  assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  // Every query of the interface has an index to use.
  const plan = (sql: string) => JSON.stringify(db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all());
  assert.match(
    plan("SELECT * FROM image_scans WHERE digest = 'x' ORDER BY scanned_ms DESC, id DESC"),
    /image_scans_by_digest/,
  );
  assert.match(
    plan("SELECT * FROM latest_image_scans WHERE repository >= 'a/' AND repository < 'a0'"),
    /USING (COVERING )?INDEX sqlite_autoindex_latest_image_scans/,
  );
  assert.match(
    plan("SELECT * FROM runs WHERE target = 't' AND finished_at IS NULL ORDER BY started_ms DESC"),
    /runs_unfinished_by_target/,
  );
  assert.match(
    plan("UPDATE run_items SET done = 1 WHERE run_id = 'r' AND digest = 'd'"),
    /run_items_by_digest/,
  );
  db.close();
  const again = SqliteStore.open(path);
  assert.equal(again.schemaVersion(), SQLITE_SCHEMA_VERSION);
  assert.equal((await again.imageScans('sha256:aaaa')).length, 1);
  await again.close();
});

test('sqlite: a file from a newer kubeward is refused, not downgraded', async () => {
  const path = freshPath();
  await (await openStore(path)).close();
  const db = new Database(path);
  db.prepare("UPDATE meta SET value = '99' WHERE key = 'schema_version'").run();
  db.close();
  await assert.rejects(openStore(path), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.equal(
      error.message,
      `${path}: kubeward store schema version 99 is newer than this kubeward supports (${SQLITE_SCHEMA_VERSION}); upgrade kubeward`,
    );
    return true;
  });
});

test('sqlite: a corrupt file gives one line naming it', async () => {
  const path = join(dir, 'corrupt.db');
  writeFileSync(path, Buffer.alloc(8192, 'not a database, just bytes '));
  await assert.rejects(openStore(path), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.equal(error.code, 'INPUT');
    assert.equal(error.message, `${path}: cannot open the kubeward store: file is not a database`);
    return true;
  });
});

test('sqlite: a path under a regular file gives one line naming it', async () => {
  const file = join(dir, 'plain-file');
  writeFileSync(file, 'x');
  await assert.rejects(openStore(join(file, 'store.db')), (error: unknown) => {
    assert.ok(error instanceof InputError);
    assert.match(error.message, /^.*plain-file\/store\.db: cannot open the kubeward store: [^\n]+$/);
    return true;
  });
});

test('sqlite: defaultStorePath sits beside the first-seen state', () => {
  const cases = [
    { env: { KUBEWARD_STATE_DIR: '/state' }, expected: '/state/store.db' },
    { env: { XDG_STATE_HOME: '/xdg' }, expected: '/xdg/kubeward/store.db' },
    { env: {}, expected: '/home/u/.local/state/kubeward/store.db' },
  ];
  for (const { env, expected } of cases) {
    assert.equal(defaultStorePath(env, '/home/u'), expected);
    assert.equal(join(defaultStatePath(env, '/home/u'), '..', 'store.db'), expected);
  }
});

test('sqlite: opening a SQLite store does not load the PostgreSQL driver', () => {
  const script = `
    import { createRequire } from 'node:module';
    import { openStore } from './src/store/index.ts';
    const store = await openStore(process.argv[1]);
    await store.close();
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('/node_modules/pg/'));
    console.log(loaded.length);`;
  const out = execFileSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', script, freshPath()],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(out.trim(), '0');
});
