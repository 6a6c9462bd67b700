import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../src/core/errors.js';
import { analyzers } from '../../src/inventory/analyzers/index.js';
import { adler32, readNdb, rpmNdbAnalyzer } from '../../src/inventory/analyzers/rpm-ndb.js';
import type { FoundPackage } from '../../src/inventory/model.js';

// headers/*.hdr are real RPM header blobs from an rpmdb.sqlite made by `rpm --initdb` + `rpm -i --justdb` of
// three rpmbuild packages. Debian's rpm has no ndb backend, so the files are written here from rpm's
// lib/backend/ndb/rpmpkg.c layout.
const FIXTURES = fileURLToPath(new URL('../fixtures/inventory/rpm-ndb/', import.meta.url));
const HEADERS = [1, 2, 3].map((n) => readFileSync(join(FIXTURES, `headers/${n}.hdr`)));
const NAMES = ['alpha-1:2.3.4-4.el9.noarch', 'beta-0.9-1.noarch', 'gamma-long-10.1-7.azl3.noarch'];

const PAGE = 4096;
const BLK = 16;

/** An ndb file as rpmpkgPut writes it: header, slot pages, then blobs in 16-byte blocks after the slot pages. */
function writeNdb(blobs: { pkgIdx: number; blob: Buffer }[], slotPages = 1): Buffer {
  const parts: Buffer[] = [];
  const slots = Buffer.alloc(slotPages * PAGE);
  for (let at = 0; at < slots.length; at += 16) slots.write('Slot', at, 'latin1');
  slots.write('RpmP', 0, 'latin1');
  slots.writeUInt32LE(0, 4); // version
  slots.writeUInt32LE(7, 8); // generation
  slots.writeUInt32LE(slotPages, 12);
  slots.writeUInt32LE(Math.max(0, ...blobs.map((b) => b.pkgIdx)) + 1, 16);
  slots.fill(0, 20, 32);
  let blkOff = (slotPages * PAGE) / BLK;
  blobs.forEach(({ pkgIdx, blob }, i) => {
    const blkCnt = Math.ceil((16 + blob.length + 12) / BLK);
    const out = Buffer.alloc(blkCnt * BLK);
    out.write('BlbS', 0, 'latin1');
    out.writeUInt32LE(pkgIdx, 4);
    out.writeUInt32LE(1_700_000_000, 8);
    out.writeUInt32LE(blob.length, 12);
    blob.copy(out, 16);
    const tail = out.length - 12;
    out.writeUInt32LE(adler32(out.subarray(0, tail)), tail);
    out.writeUInt32LE(blob.length, tail + 4);
    out.write('BlbE', tail + 8, 'latin1');
    const slot = 32 + i * 16;
    slots.writeUInt32LE(pkgIdx, slot + 4);
    slots.writeUInt32LE(blkOff, slot + 8);
    slots.writeUInt32LE(blkCnt, slot + 12);
    blkOff += blkCnt;
    parts.push(out);
  });
  return Buffer.concat([slots, ...parts]);
}

const standard = (): Buffer => writeNdb(HEADERS.map((blob, i) => ({ pkgIdx: i + 1, blob })));
const label = (p: FoundPackage): string =>
  `${p.name}-${p.epoch ? `${p.epoch}:` : ''}${p.version}-${p.release ?? ''}.${p.arch ?? ''}`;

async function analyze(content: Buffer) {
  const file = { path: 'var/lib/rpm/Packages.db', size: content.length, mode: 0o644, content };
  assert.ok(rpmNdbAnalyzer.wants(file));
  return rpmNdbAnalyzer.analyze(file);
}

describe('rpm ndb (Packages.db)', () => {
  it('adler32 matches the RFC 1950 check value', () => {
    assert.equal(adler32(Buffer.from('Wikipedia')), 0x11e60398);
    assert.equal(adler32(Buffer.alloc(0)), 1);
    // Past the 5552-byte reduction window; value from Python zlib.adler32.
    assert.equal(adler32(Buffer.alloc(100_000, 0xff)), 0x149a302c);
  });

  it('reads real header blobs into packages with epoch, release, arch, licence and source RPM', async () => {
    const out = await analyze(standard());
    assert.equal(out.warnings, undefined);
    assert.deepEqual((out.packages ?? []).map(label).sort(), NAMES);
    assert.deepEqual(
      out.packages?.find((p) => p.name === 'alpha'),
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
    );
  });

  it('orders by package index, skips free slots and reads several slot pages', () => {
    const db = writeNdb(
      [
        { pkgIdx: 9, blob: HEADERS[2] as Buffer },
        { pkgIdx: 3, blob: HEADERS[0] as Buffer },
      ],
      2,
    );
    const { values, warnings } = readNdb(db);
    assert.deepEqual(warnings, []);
    assert.deepEqual(values, [HEADERS[0], HEADERS[2]]);
  });

  const corrupt = [
    { name: 'checksum', at: (db: Buffer) => db.length - 40, want: /checksum mismatch/ },
    { name: 'head magic', at: () => PAGE, want: /bad blob head magic/ },
    { name: 'package index in blob', at: () => PAGE + 4, want: /another package/ },
    { name: 'blob length', at: () => PAGE + 13, want: /length mismatch|size limit/ },
    { name: 'slot magic', at: () => 32, want: /bad slot magic/ },
    { name: 'slot block offset', at: () => 32 + 11, want: /outside the file/ },
  ];
  for (const c of corrupt) {
    it(`skips a blob with a bad ${c.name}, with a warning`, () => {
      const db = standard();
      const at = c.at(db);
      db[at] = (db[at] ?? 0) ^ 0x5a;
      const { values, warnings } = readNdb(db);
      assert.ok(values.length <= 2);
      assert.match(warnings.join('\n'), c.want);
    });
  }

  it('rejects non-ndb input with InputError and the analyzer turns it into a warning', async () => {
    const cases = [
      { content: Buffer.alloc(0), want: /too short/ },
      { content: Buffer.alloc(PAGE), want: /bad magic/ },
      { content: standard().subarray(0, 2000), want: /truncated/ },
    ];
    for (const c of cases) {
      assert.throws(
        () => readNdb(c.content),
        (e: unknown) => e instanceof InputError && c.want.test(e.message),
      );
      assert.match((await analyze(c.content)).warnings?.[0] ?? '', c.want);
    }
    const huge = standard();
    huge.writeUInt32LE(0xffffffff, 12);
    assert.throws(() => readNdb(huge), { code: 'INPUT' });
  });

  it('survives every truncation and random corruption without hanging', () => {
    const db = standard();
    for (let length = 0; length <= db.length; length += 5) {
      try {
        assert.ok(readNdb(db.subarray(0, length)).values.length <= 3);
      } catch (error) {
        assert.ok(error instanceof InputError, String(error));
      }
    }
    let seed = 99;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let round = 0; round < 2000; round++) {
      const copy = Buffer.from(db);
      for (let flips = 1 + random(6); flips > 0; flips--) copy[random(copy.length)] = random(256);
      try {
        readNdb(copy);
      } catch (error) {
        assert.ok(error instanceof InputError, String(error));
      }
    }
  });

  it('is registered and wanted at both rpmdb locations', () => {
    assert.equal(analyzers.get('rpm-ndb'), rpmNdbAnalyzer);
    for (const path of ['var/lib/rpm/Packages.db', 'usr/lib/sysimage/rpm/Packages.db']) {
      assert.ok(rpmNdbAnalyzer.wants({ path, size: 1, mode: 0o644 }));
    }
  });
});
