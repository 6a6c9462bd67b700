import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../src/core/errors.js';
import { analyzers } from '../../src/inventory/analyzers/index.js';
import { rpmBdbAnalyzer, readBdbHash } from '../../src/inventory/analyzers/rpm-bdb.js';
import type { FoundPackage } from '../../src/inventory/model.js';

// Fixtures (test/fixtures/inventory/rpm-bdb): headers/*.hdr are real RPM header blobs taken from an
// rpmdb.sqlite made by `rpm --initdb` + `rpm -i --justdb` of three rpmbuild packages; db53-*.db are real
// Berkeley DB 5.3 hash files made from them by `db5.3_load` (page size 512: overflow pages; 16384: inline
// items; chksum=1: checksummed pages), keys the 4-byte header numbers plus rpm's key-0 counter record.
const FIXTURES = fileURLToPath(new URL('../fixtures/inventory/rpm-bdb/', import.meta.url));
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));
const HEADERS = [1, 2, 3].map((n) => fixture(`headers/${n}.hdr`));
const work = mkdtempSync(join(tmpdir(), 'kubeward-rpm-bdb-'));
after(() => rmSync(work, { recursive: true, force: true }));

const EXPECTED: FoundPackage[] = [
  {
    kind: 'rpm',
    name: 'alpha',
    version: '2.3.4',
    release: '4.el9',
    epoch: 1,
    arch: 'noarch',
    licenses: ['MIT'],
    sourceName: 'alpha',
    sourceVersion: '2.3.4-4.el9',
  },
  {
    kind: 'rpm',
    name: 'beta',
    version: '0.9',
    release: '1',
    arch: 'noarch',
    licenses: ['GPL-2.0-or-later'],
    sourceName: 'beta',
    sourceVersion: '0.9-1',
  },
  {
    kind: 'rpm',
    name: 'gamma-long',
    version: '10.1',
    release: '7.azl3',
    arch: 'noarch',
    licenses: ['Apache-2.0'],
    sourceName: 'gamma-long',
    sourceVersion: '10.1-7.azl3',
  },
];

async function analyze(content: Buffer, path = 'var/lib/rpm/Packages') {
  const file = { path, size: content.length, mode: 0o644, content };
  assert.ok(rpmBdbAnalyzer.wants(file));
  return rpmBdbAnalyzer.analyze(file);
}

const byName = (a: FoundPackage, b: FoundPackage): number => a.name.localeCompare(b.name);

// --- A Berkeley DB hash writer, from dbinc/db_page.h, used to make files db5.3_load cannot (big-endian, many
// pages, deliberate damage). One bucket (max_bucket 0, spares[0] = 1), so page 1 starts the bucket's chain.
const P_HASH_UNSORTED = 2;
const P_OVERFLOW = 7;
const P_HASHMETA = 8;
/** Berkeley DB's default hash of its check key "%$sniglet^&", as db5.3_load stored it. */
const H_CHARKEY = 0x5e688dd1;

interface WriteOptions {
  pageSize?: number;
  bigEndian?: boolean;
}

function writeBdbHash(records: [number, Buffer][], options: WriteOptions = {}): Buffer {
  const pageSize = options.pageSize ?? 4096;
  const be = options.bigEndian ?? false;
  const pages: Buffer[] = [Buffer.alloc(pageSize)];
  const u32 = (b: Buffer, at: number, v: number): void =>
    void (be ? b.writeUInt32BE(v, at) : b.writeUInt32LE(v, at));
  const u16 = (b: Buffer, at: number, v: number): void =>
    void (be ? b.writeUInt16BE(v, at) : b.writeUInt16LE(v, at));
  const newPage = (type: number): Buffer => {
    const page = Buffer.alloc(pageSize);
    u32(page, 8, pages.length);
    page[25] = type;
    pages.push(page);
    return page;
  };
  const keyBytes = (n: number): Buffer => {
    const k = Buffer.alloc(4);
    u32(k, 0, n);
    return k;
  };
  // Items first, so overflow chains get page numbers; then lay the items out on hash pages.
  const items: Buffer[] = [];
  for (const [key, value] of records) {
    items.push(Buffer.concat([Buffer.from([1]), keyBytes(key)]));
    if (value.length + 1 <= pageSize / 4) {
      items.push(Buffer.concat([Buffer.from([1]), value]));
      continue;
    }
    const room = pageSize - 26;
    let first = 0;
    let previous: Buffer | undefined;
    let previousPgno = 0;
    for (let at = 0; at < value.length; at += room) {
      const page = newPage(P_OVERFLOW);
      const pgno = pages.length - 1;
      const chunk = value.subarray(at, at + room);
      chunk.copy(page, 26);
      u16(page, 20, 1); // reference count
      u16(page, 22, chunk.length);
      if (previous) {
        u32(previous, 16, pgno);
        u32(page, 12, previousPgno);
      } else first = pgno;
      previous = page;
      previousPgno = pgno;
    }
    const off = Buffer.alloc(12);
    off[0] = 3;
    u32(off, 4, first);
    u32(off, 8, value.length);
    items.push(off);
  }
  // Bucket chain: page 1 must be the bucket page, so overflow pages were numbered after a reserved slot.
  const hashPages: Buffer[] = [];
  let page: Buffer | undefined;
  let entries = 0;
  let high = pageSize;
  for (let i = 0; i < items.length; i += 2) {
    const pair = [items[i], items[i + 1]].filter((b): b is Buffer => b !== undefined);
    const need = pair.reduce((n, b) => n + b.length + 2, 0);
    if (!page || high - need < 26 + (entries + 2) * 2) {
      if (page) {
        u16(page, 20, entries);
        u16(page, 22, high);
      }
      page = Buffer.alloc(pageSize);
      page[25] = P_HASH_UNSORTED;
      hashPages.push(page);
      entries = 0;
      high = pageSize;
    }
    for (const it of pair) {
      high -= it.length;
      it.copy(page, high);
      u16(page, 26 + entries * 2, high);
      entries++;
    }
  }
  if (page) {
    u16(page, 20, entries);
    u16(page, 22, high);
  }
  // Renumber: meta, hash pages 1..h, then the overflow pages shifted by h (their links too).
  const shift = hashPages.length;
  const overflow = pages.slice(1);
  for (const ov of overflow) {
    const rd = (at: number): number => (be ? ov.readUInt32BE(at) : ov.readUInt32LE(at));
    u32(ov, 8, rd(8) + shift);
    if (rd(12)) u32(ov, 12, rd(12) + shift);
    if (rd(16)) u32(ov, 16, rd(16) + shift);
  }
  for (const hp of hashPages) {
    const rd16 = (at: number): number => (be ? hp.readUInt16BE(at) : hp.readUInt16LE(at));
    for (let i = 0; i < rd16(20); i++) {
      const at = rd16(26 + i * 2);
      if (hp[at] === 3) u32(hp, at + 4, (be ? hp.readUInt32BE(at + 4) : hp.readUInt32LE(at + 4)) + shift);
    }
  }
  hashPages.forEach((hp, i) => {
    u32(hp, 8, i + 1);
    if (i > 0) u32(hp, 12, i);
    if (i < hashPages.length - 1) u32(hp, 16, i + 2);
  });
  const all = [pages[0] as Buffer, ...hashPages, ...overflow];
  const meta = all[0] as Buffer;
  u32(meta, 12, 0x061561);
  u32(meta, 16, 9);
  u32(meta, 20, pageSize);
  meta[25] = P_HASHMETA;
  u32(meta, 32, all.length - 1); // last_pgno
  u32(meta, 40, records.length); // key_count
  u32(meta, 44, records.length); // record_count
  u32(meta, 84, 0); // ffactor
  u32(meta, 88, records.length); // nelem
  u32(meta, 92, H_CHARKEY);
  u32(meta, 96, 1); // spares[0]: bucket 0 is page 1
  return Buffer.concat(all);
}

const hasDbUtil = spawnSync('db5.3_dump', ['-V']).status === 0;

describe('rpm Berkeley DB (Packages)', () => {
  const realFiles = [
    { file: 'db53-hash-p512.db', what: 'overflow pages' },
    { file: 'db53-hash-p16384.db', what: 'inline H_KEYDATA items' },
    { file: 'db53-hash-p512-chksum.db', what: 'checksummed pages' },
  ];
  for (const { file, what } of realFiles) {
    it(`reads a real db5.3_load hash file with ${what} (${file})`, async () => {
      const out = await analyze(fixture(file));
      assert.deepEqual(out.warnings, undefined);
      assert.deepEqual([...(out.packages ?? [])].sort(byName), EXPECTED);
    });
  }

  it('reads the same header blobs the sqlite backend stores, byte for byte', () => {
    const { values } = readBdbHash(fixture('db53-hash-p512.db'));
    const sorted = (bs: Buffer[]): string[] => bs.map((b) => b.toString('hex')).sort();
    assert.deepEqual(sorted(values), sorted(HEADERS));
  });

  const written = [
    { name: 'little-endian, 4096-byte pages', options: {} },
    {
      name: 'big-endian, 512-byte pages (long overflow chains)',
      options: { pageSize: 512, bigEndian: true },
    },
    { name: 'little-endian, 65536-byte pages (inline)', options: { pageSize: 65536 } },
  ] satisfies { name: string; options: WriteOptions }[];
  for (const { name, options } of written) {
    it(`reads a file from the test writer: ${name}`, async () => {
      const records: [number, Buffer][] = [
        [0, Buffer.alloc(4)],
        ...HEADERS.map((h, i): [number, Buffer] => [i + 1, h]),
      ];
      const db = writeBdbHash(records, options);
      const out = await analyze(db);
      assert.deepEqual(out.warnings, undefined);
      assert.deepEqual([...(out.packages ?? [])].sort(byName), EXPECTED);
      if (hasDbUtil) {
        // Berkeley DB itself agrees the file is a hash database holding these records.
        const path = join(work, `written-${options.pageSize ?? 4096}.db`);
        writeFileSync(path, db);
        const dump = execFileSync('db5.3_dump', [path], { encoding: 'utf8' });
        assert.match(dump, /type=hash/);
        for (const h of HEADERS) assert.ok(dump.includes(h.toString('hex')), 'db5.3_dump lists every header');
      }
    });
  }

  it('spreads many records over several hash pages', () => {
    const records: [number, Buffer][] = [];
    for (let i = 1; i <= 300; i++) records.push([i, HEADERS[i % 3] as Buffer]);
    const { values, warnings } = readBdbHash(writeBdbHash(records, { pageSize: 1024 }));
    assert.deepEqual(warnings, []);
    assert.equal(values.length, 300);
  });

  it('answers a non-database with a warning, and throws InputError from the reader', async () => {
    const cases = [
      { name: 'empty', content: Buffer.alloc(0), error: /too short/ },
      { name: 'zeros', content: Buffer.alloc(8192), error: /bad magic/ },
      { name: 'sqlite', content: Buffer.from('SQLite format 3\0'.padEnd(4096, '\0')), error: /bad magic/ },
    ];
    for (const c of cases) {
      assert.throws(
        () => readBdbHash(c.content),
        (e: unknown) => e instanceof InputError && c.error.test(e.message),
      );
      const out = await analyze(c.content);
      assert.equal(out.packages, undefined, c.name);
      assert.match(out.warnings?.[0] ?? '', c.error, c.name);
    }
    const badPageSize = Buffer.from(fixture('db53-hash-p512.db'));
    badPageSize.writeUInt32LE(1000, 20);
    assert.throws(() => readBdbHash(badPageSize), { code: 'INPUT', message: /page size 1000/ });
    const encrypted = Buffer.from(fixture('db53-hash-p512.db'));
    encrypted[24] = 1;
    assert.throws(() => readBdbHash(encrypted), { code: 'INPUT', message: /encrypted/ });
  });

  it('survives every truncation of a real file without hanging or reading out of bounds', () => {
    const db = fixture('db53-hash-p512.db');
    for (let length = 0; length < db.length; length += 7) {
      try {
        const { values } = readBdbHash(db.subarray(0, length));
        assert.ok(values.length <= 3);
      } catch (error) {
        assert.ok(error instanceof InputError, `length ${length}: ${String(error)}`);
      }
    }
  });

  it('survives corrupted bytes (deterministic fuzz): values or warnings, never a crash', () => {
    const original = fixture('db53-hash-p512.db');
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let round = 0; round < 2000; round++) {
      const db = Buffer.from(original);
      for (let flips = 1 + random(8); flips > 0; flips--) db[512 + random(db.length - 512)] = random(256);
      try {
        readBdbHash(db);
      } catch (error) {
        assert.ok(error instanceof InputError, String(error));
      }
    }
  });

  it('stops on an overflow chain that loops, and on one pointing past the file', () => {
    const db = writeBdbHash([[1, HEADERS[0] as Buffer]], { pageSize: 512 });
    const loop = Buffer.from(db);
    // Page 2 is the first overflow page: point its next link at itself.
    loop.writeUInt32LE(2, 2 * 512 + 16);
    const out = readBdbHash(loop);
    assert.equal(out.values.length, 0);
    assert.match(out.warnings.join('\n'), /broken overflow chain at page 2/);
    const past = Buffer.from(db);
    past.writeUInt32LE(0xffffff, 2 * 512 + 16);
    assert.match(readBdbHash(past).warnings.join('\n'), /broken overflow chain/);
    const huge = Buffer.from(db);
    const item = huge.readUInt16LE(512 + 26 + 2);
    huge.writeUInt32LE(0x7fffffff, 512 + item + 8);
    assert.match(readBdbHash(huge).warnings.join('\n'), /exceeds the size limit/);
  });

  it('bounds the work when many items share one overflow chain (pages charged against the file)', () => {
    // 200 records with 3-page chains; then every item points at one chain, so the chains no longer add up.
    const records: [number, Buffer][] = [];
    for (let i = 1; i <= 200; i++) records.push([i, HEADERS[0] as Buffer]);
    const db = writeBdbHash(records, { pageSize: 512 });
    const pages = db.length / 512;
    const firstChain = readBdbHash(db);
    assert.equal(firstChain.values.length, 200);
    let rewired = 0;
    let shared = 0;
    for (let pgno = 1; pgno < pages; pgno++) {
      const page = pgno * 512;
      if (db[page + 25] !== 2) continue;
      for (let i = 1; i < db.readUInt16LE(page + 20); i += 2) {
        const at = db.readUInt16LE(page + 26 + i * 2);
        if (db[page + at] !== 3) continue;
        if (shared === 0) shared = db.readUInt32LE(page + at + 4);
        db.writeUInt32LE(shared, page + at + 4);
        rewired++;
      }
    }
    assert.equal(rewired, 200);
    const started = performance.now();
    const out = readBdbHash(db);
    // Each read charges its pages, so the shared chain is read at most as often as the file has pages for.
    assert.ok(out.values.length <= pages / 3, `${out.values.length} values`);
    assert.ok(performance.now() - started < 1000);
  });

  it('is registered and wanted at both rpmdb locations', () => {
    assert.equal(analyzers.get('rpm-bdb'), rpmBdbAnalyzer);
    for (const path of ['var/lib/rpm/Packages', 'usr/lib/sysimage/rpm/Packages']) {
      assert.ok(rpmBdbAnalyzer.wants({ path, size: 1, mode: 0o644 }));
    }
    assert.ok(!rpmBdbAnalyzer.wants({ path: 'var/lib/rpm/Packages.db', size: 1, mode: 0o644 }));
  });
});
