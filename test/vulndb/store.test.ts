// The SQLite store against the records in memory: matching through the store's trimmed match rows must give
// exactly what matching the whole records gives, for every package the fixtures name, at every version their
// ranges mention. Both storage encodings are covered: records from a zip (kept deflated) and from a directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { fixedClock } from '../../src/core/clock.js';
import { InputError } from '../../src/core/errors.js';
import { detectVulnerabilities } from '../../src/detect/detect.js';
import type { VulnMatch } from '../../src/detect/model.js';
import type { Inventory, OsInfo, Package, PackageKind } from '../../src/inventory/model.js';
import { matchRowsOf } from '../../src/vulndb/match-record.js';
import { memoryVulnSource } from '../../src/vulndb/memory-source.js';
import { type OsvRecord, ecosystemBase, parseOsvRecord } from '../../src/vulndb/osv.js';
import { DB_FORMAT } from '../../src/vulndb/schema.js';
import { VulnStore } from '../../src/vulndb/store.js';
import { updateDatabase } from '../../src/vulndb/update.js';
import { writeZip } from '../../src/vulndb/zip/write-zip.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'osv');
const clock = fixedClock('2026-02-01T00:00:00Z');
const work = mkdtempSync(join(tmpdir(), 'kubeward-store-'));

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.json') ? [join(dir, e.name)] : [],
  );
}

const paths = [...files(join(FIXTURES, 'real', 'records')), ...files(join(FIXTURES, 'synthetic'))];
const records: OsvRecord[] = paths.map((p) => parseOsvRecord(readFileSync(p, 'utf8'), p));

/** The OS an `Ecosystem:release` string belongs to, and the package kind that ecosystem's packages have. */
function osOf(ecosystem: string): { os?: OsInfo; kind: PackageKind } {
  const [base, ...release] = ecosystem.split(':');
  switch (base) {
    case 'Debian':
      return { os: { id: 'debian', versionId: release[0] ?? '12' }, kind: 'deb' };
    case 'Ubuntu':
      return { os: { id: 'ubuntu', versionId: release.find((r) => /^\d/.test(r)) ?? '22.04' }, kind: 'deb' };
    case 'Alpine':
      return { os: { id: 'alpine', versionId: `${(release[0] ?? 'v3.19').slice(1)}.1` }, kind: 'apk' };
    case 'AlmaLinux':
      return { os: { id: 'almalinux', versionId: release[0] ?? '9' }, kind: 'rpm' };
    default:
      return { kind: 'npm' };
  }
}

/** One inventory per OS release (and one for language packages): every named package at every range version. */
function inventories(): Inventory[] {
  const byOs = new Map<string, { os?: OsInfo; packages: Package[] }>();
  for (const record of records) {
    for (const affected of record.affected ?? []) {
      const pkg = affected.package;
      if (!pkg) continue;
      const { os, kind } = osOf(pkg.ecosystem);
      const key = os ? `${os.id}:${os.versionId}` : 'lang';
      const group = byOs.get(key) ?? { ...(os ? { os } : {}), packages: [] };
      byOs.set(key, group);
      const versions = new Set<string>(['0.0.1', ...(affected.versions ?? [])]);
      for (const range of affected.ranges ?? [])
        for (const event of range.events) for (const v of Object.values(event)) versions.add(v);
      for (const version of versions) {
        group.packages.push({
          kind,
          name: pkg.name,
          version,
          ...(kind === 'deb' ? { sourceName: pkg.name } : {}),
          ecosystem: ecosystemBase(pkg.ecosystem),
          purl: `pkg:generic/${pkg.name}@${version}`,
          path: 'fixture',
          foundBy: 'test',
        });
      }
    }
  }
  return [...byOs.values()].map(({ os, packages }) => ({
    subject: { kind: 'directory', name: 'fixtures', path: '/fixtures' },
    ...(os ? { os } : {}),
    packages,
    warnings: [],
    analyzers: [],
  }));
}

const key = (m: VulnMatch): string => `${m.package.name}\u0000${m.package.version}\u0000${m.id}`;
const sorted = (matches: VulnMatch[]): VulnMatch[] => [...matches].sort((a, b) => (key(a) < key(b) ? -1 : 1));

for (const layout of ['zip', 'dir'] as const) {
  test(`matching through the store (${layout} import) equals matching the whole records`, async () => {
    const dbPath = join(work, `${layout}.sqlite`);
    let source: string;
    if (layout === 'zip') {
      source = join(work, 'all.zip');

      writeFileSync(
        source,
        writeZip(paths.map((p, i) => ({ name: `${i}-${p.split('/').pop()}`, data: readFileSync(p) }))),
      );
    } else {
      source = join(work, 'records');
      mkdirSync(source);
      paths.forEach((p, i) => cpSync(p, join(source, `${i}-${p.split('/').pop()}`)));
    }
    const result = await updateDatabase({ dbPath, sources: [source], cwd: work, clock });
    assert.equal(result.committed, true);
    const memory = memoryVulnSource(records);
    const store = VulnStore.open(dbPath);
    try {
      let total = 0;
      for (const inventory of inventories()) {
        const expected = sorted(detectVulnerabilities(inventory, memory).matches);
        const actual = sorted(detectVulnerabilities(inventory, store).matches);
        assert.deepEqual(
          actual,
          expected,
          `${inventory.os?.id ?? 'language'} ${inventory.os?.versionId ?? ''}`,
        );
        total += actual.length;
      }
      assert.ok(total > 100, `only ${total} matches: the comparison proves little`);
      // The whole record is still there, as published (not the trimmed match row).
      const withDetails = records.find((r) => r.details && !r.withdrawn);
      assert.ok(withDetails);
      assert.deepEqual(store.record(withDetails.id), withDetails);
    } finally {
      store.close();
    }
  });
}

test('match rows keep what matching and the report read, and drop the rest', () => {
  const record: OsvRecord = {
    id: 'DEBIAN-CVE-2099-0001',
    modified: '2025-01-01T00:00:00Z',
    published: '2024-01-01T00:00:00Z',
    upstream: ['CVE-2099-0001'],
    details: 'long text '.repeat(100),
    references: Array.from({ length: 8 }, (_, i) => ({ type: 'WEB', url: `https://example.com/${i}` })),
    database_specific: { severity: 'HIGH', cwe_ids: ['CWE-79'] },
    affected: [
      {
        package: { ecosystem: 'Debian:12', name: 'openssl', purl: 'pkg:deb/debian/openssl' },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.15-1' }] }],
        ecosystem_specific: { urgency: 'unimportant', binaries: ['libssl3', 'openssl'] },
      },
      {
        package: { ecosystem: 'Debian:11', name: 'openssl' },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }],
      },
      { package: { ecosystem: 'Debian:12', name: 'openssl-doc' }, versions: ['1.0'] },
    ],
  };
  const rows = matchRowsOf(record);
  assert.deepEqual(
    rows.map((r) => [r.base, r.name, r.ecosystems]),
    [
      ['Debian', 'openssl', 'Debian:12\nDebian:11'],
      ['Debian', 'openssl-doc', 'Debian:12'],
    ],
  );
  assert.deepEqual(JSON.parse(rows[0]?.match ?? ''), {
    id: 'DEBIAN-CVE-2099-0001',
    modified: '2025-01-01T00:00:00Z',
    published: '2024-01-01T00:00:00Z',
    upstream: ['CVE-2099-0001'],
    database_specific: { severity: 'HIGH' },
    references: record.references?.slice(0, 5),
    affected: [
      {
        package: { ecosystem: 'Debian:12', name: 'openssl' },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.0.15-1' }] }],
        ecosystem_specific: { urgency: 'unimportant' },
      },
      {
        package: { ecosystem: 'Debian:11', name: 'openssl' },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }],
      },
    ],
  });
});

test('a database of an older format is refused with the command that rebuilds it', async () => {
  const old = join(work, 'old.sqlite');
  const db = new Database(old);
  db.exec(
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('format', '2')",
  );
  db.close();
  assert.throws(
    () => VulnStore.open(old),
    (error: unknown) =>
      error instanceof InputError &&
      error.code === 'INPUT' &&
      error.message.includes(`format 2, expected ${DB_FORMAT}`) &&
      error.message.includes('run "kubeward db update"'),
  );
  // And `db update` rebuilds it in the current format.
  const result = await updateDatabase({
    dbPath: old,
    sources: [join(FIXTURES, 'real', 'records', 'npm')],
    cwd: work,
    clock,
  });
  assert.equal(result.committed, true);
  const store = VulnStore.open(old);
  try {
    assert.equal(store.status().records, readdirSync(join(FIXTURES, 'real', 'records', 'npm')).length);
  } finally {
    store.close();
  }
});

test('a stored record larger than the read buffer comes back whole', async () => {
  const big: OsvRecord = {
    id: 'GHSA-big0-big0-big0',
    modified: '2025-01-01T00:00:00Z',
    details: Array.from({ length: 40_000 }, (_, i) => `line ${i} of a long advisory text`).join('\n'),
    affected: [{ package: { ecosystem: 'npm', name: 'big' }, versions: ['1.0.0'] }],
  };
  const zip = join(work, 'big.zip');

  writeFileSync(zip, writeZip([{ name: 'big.json', data: JSON.stringify(big) }]));
  const dbPath = join(work, 'big.sqlite');
  await updateDatabase({ dbPath, sources: [zip], cwd: work, clock });
  const store = VulnStore.open(dbPath);
  try {
    assert.ok((big.details ?? '').length > 1024 * 1024);
    assert.deepEqual(store.record(big.id), big);
  } finally {
    store.close();
  }
});
