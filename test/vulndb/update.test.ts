import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock } from '../../src/core/clock.js';
import { InputError } from '../../src/core/errors.js';
import { DbBuilder } from '../../src/vulndb/builder.js';
import { VulnStore, importDatabaseFile } from '../../src/vulndb/store.js';
import { updateDatabase } from '../../src/vulndb/update.js';
import { writeZip } from '../../src/vulndb/zip/write-zip.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'osv');
const REAL = join(FIXTURES, 'real', 'records');
const clock = fixedClock('2026-02-01T00:00:00Z');
const work = mkdtempSync(join(tmpdir(), 'kubeward-vulndb-'));

function recordsOf(ecosystem: string): { name: string; data: Buffer }[] {
  const dir = join(REAL, ecosystem);
  return readdirSync(dir).map((name) => ({ name, data: readFileSync(join(dir, name)) }));
}

// A local server in the osv.dev bucket layout: /<ecosystem>/all.zip, with ETag support.
const served = new Map<string, Buffer>();
const requests: { url: string; ifNoneMatch?: string }[] = [];
let server: Server;
let base = '';

before(async () => {
  served.set('/npm/all.zip', writeZip(recordsOf('npm')));
  served.set('/Go/all.zip', writeZip(recordsOf('Go')));
  served.set('/PyPI/all.zip', writeZip(recordsOf('PyPI')));
  served.set('/broken/all.zip', Buffer.from('this is not a zip'));
  server = createServer((req, res) => {
    const inm = req.headers['if-none-match'];
    requests.push({ url: req.url ?? '', ...(typeof inm === 'string' ? { ifNoneMatch: inm } : {}) });
    const body = served.get(decodeURIComponent(req.url ?? ''));
    if (!body) {
      res.writeHead(404).end();
      return;
    }
    const etag = `"${body.length}"`;
    if (inm === etag) {
      res.writeHead(304).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/zip', etag, 'content-length': body.length }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => server.close());

test('imports all.zip dumps over HTTP; withdrawn records are left out', async () => {
  const dbPath = join(work, 'http.sqlite');
  const result = await updateDatabase({
    dbPath,
    sources: [`${base}/npm/all.zip`, `${base}/Go/all.zip`],
    cwd: work,
    clock,
  });
  assert.equal(result.committed, true);
  assert.deepEqual(
    result.sources.map((s) => [s.status, s.counts?.read, s.counts?.added, s.counts?.withdrawn]),
    [
      ['imported', 13, 13, 0],
      ['imported', 5, 4, 1],
    ],
  );
  const store = VulnStore.open(dbPath);
  try {
    assert.equal(store.record('GO-2022-0617'), undefined, 'withdrawn record stored');
    assert.deepEqual(
      store
        .affectedRows('npm', 'lodash')
        .map((r) => r.vulnId)
        .sort(),
      ['GHSA-35jh-r3h4-6jhm', 'GHSA-jf85-cpcp-j695', 'GHSA-p6mc-m468-83gw'],
    );
    // Aliases are kept and searchable.
    assert.deepEqual(
      store
        .lookup('CVE-2023-39325')
        .map((r) => r.id)
        .sort(),
      ['GHSA-4374-p667-p6c8', 'GO-2023-2102'],
    );
    const status = store.status();
    assert.equal(status.records, 17);
    assert.equal(status.builtAt, '2026-02-01T00:00:00.000Z');
    assert.deepEqual(status.ecosystems, [
      { ecosystem: 'Go', records: 4 },
      { ecosystem: 'npm', records: 13 },
    ]);
  } finally {
    store.close();
  }
});

test('an unchanged dump is not downloaded again (ETag, 304)', async () => {
  const dbPath = join(work, 'etag.sqlite');
  await updateDatabase({ dbPath, sources: [`${base}/npm/all.zip`], cwd: work, clock });
  requests.length = 0;
  const again = await updateDatabase({ dbPath, sources: [`${base}/npm/all.zip`], cwd: work, clock });
  assert.equal(again.sources[0]?.status, 'not-modified');
  assert.equal(requests[0]?.ifNoneMatch, `"${served.get('/npm/all.zip')?.length}"`);
});

test('incremental by modified: newer records replace, older ones are ignored, dropped ones go', async () => {
  const dir = join(work, 'incremental');
  cpSync(join(REAL, 'npm'), dir, { recursive: true });
  const dbPath = join(work, 'incremental.sqlite');
  await updateDatabase({ dbPath, sources: [dir], cwd: work, clock });
  const file = join(dir, 'GHSA-35jh-r3h4-6jhm.json');
  const record = JSON.parse(readFileSync(file, 'utf8')) as { modified: string; summary: string };
  writeFileSync(file, JSON.stringify({ ...record, modified: '2099-01-01T00:00:00Z', summary: 'newer' }));
  const older = join(dir, 'GHSA-xvch-5gv4-984h.json');
  const old = JSON.parse(readFileSync(older, 'utf8')) as { modified: string };
  writeFileSync(older, JSON.stringify({ ...old, modified: '2001-01-01T00:00:00Z', summary: 'older' }));
  writeFileSync(join(dir, 'GHSA-wf5p-g6vw-rhxx.json'), '');
  const result = await updateDatabase({ dbPath, sources: [dir], cwd: work, clock });
  const counts = result.sources[0]?.counts;
  assert.deepEqual([counts?.updated, counts?.unchanged, counts?.removed, counts?.invalid], [1, 11, 1, 1]);
  assert.match(result.problems[0] ?? '', /GHSA-wf5p-g6vw-rhxx\.json: invalid JSON/);
  const store = VulnStore.open(dbPath);
  try {
    assert.equal(store.record('GHSA-35jh-r3h4-6jhm')?.summary, 'newer');
    assert.notEqual(store.record('GHSA-xvch-5gv4-984h')?.summary, 'older');
    assert.equal(store.record('GHSA-wf5p-g6vw-rhxx'), undefined);
    assert.equal(store.affectedRows('npm', 'lodash').length, 3, 'index rows rebuilt exactly once');
  } finally {
    store.close();
  }
});

test('a failed update leaves the old database working', async () => {
  const dbPath = join(work, 'atomic.sqlite');
  await updateDatabase({ dbPath, sources: [`${base}/npm/all.zip`], cwd: work, clock });
  const before = readFileSync(dbPath);
  const failed = await updateDatabase({
    dbPath,
    sources: [`${base}/broken/all.zip`, `${base}/missing/all.zip`],
    cwd: work,
    clock,
  });
  assert.equal(failed.committed, false);
  assert.deepEqual(
    failed.sources.map((s) => s.status),
    ['failed', 'failed'],
  );
  assert.match(failed.sources[0]?.error ?? '', /not a usable zip archive/);
  assert.ok(readFileSync(dbPath).equals(before), 'database file changed');
  assert.deepEqual(
    readdirSync(work).filter((f) => f.startsWith('atomic.sqlite.')),
    [],
    'temporary files left behind',
  );
});

test('an interrupted update (aborted builder) changes nothing; a second updater is refused while one runs', async () => {
  const dbPath = join(work, 'interrupted.sqlite');
  await updateDatabase({ dbPath, sources: [`${base}/PyPI/all.zip`], cwd: work, clock });
  const before = readFileSync(dbPath);
  const builder = DbBuilder.start(dbPath, clock);
  builder.importSource(
    { name: 'x', location: 'x', kind: 'dir' },
    [{ text: readFileSync(join(REAL, 'npm', 'GHSA-35jh-r3h4-6jhm.json'), 'utf8'), where: 'x' }],
    { full: false },
  );
  await assert.rejects(
    updateDatabase({ dbPath, sources: [`${base}/npm/all.zip`], cwd: work, clock }),
    (error: unknown) => error instanceof InputError && /another database update/.test(error.message),
  );
  builder.abort();
  assert.ok(readFileSync(dbPath).equals(before));
  assert.ok(!existsSync(`${dbPath}.lock`));
});

test('db export and db import move one file; a damaged file is refused', async () => {
  const dbPath = join(work, 'export.sqlite');
  await updateDatabase({ dbPath, sources: [`${base}/npm/all.zip`], cwd: work, clock });
  const exported = join(work, 'exported.sqlite');
  const store = VulnStore.open(dbPath);
  store.exportTo(exported);
  store.close();
  const target = join(work, 'airgap', 'vulndb.sqlite');
  importDatabaseFile(exported, target);
  const copy = VulnStore.open(target);
  assert.equal(copy.status().records, 13);
  copy.close();
  const junk = join(work, 'junk.sqlite');
  writeFileSync(junk, 'not sqlite');
  assert.throws(() => importDatabaseFile(junk, target), InputError);
  const still = VulnStore.open(target);
  assert.equal(still.status().records, 13);
  still.close();
});

test('a missing database says how to get one', () => {
  assert.throws(
    () => VulnStore.open(join(work, 'nope.sqlite')),
    (e: unknown) => e instanceof InputError && /db update/.test(e.message),
  );
});
