import { InputError } from '../../core/errors.js';
import type { FileAnalyzer } from '../analyzer.js';
import { packagesFromHeaderBlobs } from './rpm-header.js';

/*
 * rpm's ndb package database `Packages.db` (SUSE, openSUSE), from rpm's lib/backend/ndb/rpmpkg.c; all integers
 * little-endian:
 * - a 32-byte header: magic "RpmP" at 0, version 0 at 4, generation 8, slotnpages 12, nextpkgidx 16;
 * - `slotnpages` 4096-byte slot pages, the first 32 bytes of page 0 being the header: 16-byte slots
 *   { magic "Slot", pkgidx, blkoff, blkcnt }, blkoff 0 meaning a free slot;
 * - blobs in 16-byte blocks from blkoff: head { "BlbS", pkgidx, timestamp, bloblen }, the header blob, zero
 *   padding, tail { adler32 of head + blob + padding, bloblen, "BlbE" }, blkcnt = ceil((16 + bloblen + 12) / 16).
 * Each slot is checked as rpm checks it (inside the file, after the slot pages, consistent lengths, checksum),
 * and a bad slot or blob is skipped with a warning: one pass over a bounded number of slots, no chains to follow.
 */

const DB_MAGIC = 0x506d7052; // "RpmP"
const SLOT_MAGIC = 0x746f6c53; // "Slot"
const BLOB_HEAD_MAGIC = 0x53626c42; // "BlbS"
const BLOB_TAIL_MAGIC = 0x45626c42; // "BlbE"
const HEADER_SIZE = 32;
const SLOT_SIZE = 16;
const BLK_SIZE = 16;
const PAGE_SIZE = 4096;
const BLOB_HEAD_SIZE = 16;
const BLOB_TAIL_SIZE = 12;
const MAX_BLOB_BYTES = 64 * 1024 * 1024;

const PATHS = new Set(['var/lib/rpm/Packages.db', 'usr/lib/sysimage/rpm/Packages.db']);

export interface NdbRecords {
  /** Header blobs ordered by package index. */
  values: Buffer[];
  warnings: string[];
}

/** Read every package blob of an ndb file; throws InputError when the file is not one at all. */
export function readNdb(db: Buffer): NdbRecords {
  if (db.length < HEADER_SIZE) throw new InputError('not an rpm ndb file (too short)');
  if (db.readUInt32LE(0) !== DB_MAGIC) throw new InputError('not an rpm ndb file (bad magic)');
  const version = db.readUInt32LE(4);
  if (version !== 0) throw new InputError(`unsupported rpm ndb version ${version}`);
  const slotPages = db.readUInt32LE(12);
  if (slotPages === 0 || slotPages > db.length / PAGE_SIZE) {
    throw new InputError(`rpm ndb file is truncated or invalid (${slotPages} slot pages)`);
  }
  const fileBlocks = Math.floor(db.length / BLK_SIZE);
  const firstBlob = slotPages * (PAGE_SIZE / BLK_SIZE);
  const warnings: string[] = [];
  const found: { pkgIdx: number; blob: Buffer }[] = [];
  for (let at = HEADER_SIZE; at < slotPages * PAGE_SIZE; at += SLOT_SIZE) {
    if (db.readUInt32LE(at) !== SLOT_MAGIC) {
      warnings.push(`bad slot magic at offset ${at}`);
      continue;
    }
    const pkgIdx = db.readUInt32LE(at + 4);
    const blkOff = db.readUInt32LE(at + 8);
    const blkCnt = db.readUInt32LE(at + 12);
    if (blkOff === 0) continue;
    if (pkgIdx === 0 || blkCnt === 0 || blkOff < firstBlob || blkOff + blkCnt > fileBlocks) {
      warnings.push(`slot for package ${pkgIdx} points outside the file`);
      continue;
    }
    const blob = readBlob(db, pkgIdx, blkOff, blkCnt);
    if (typeof blob === 'string') warnings.push(`package ${pkgIdx}: ${blob}`);
    else found.push({ pkgIdx, blob });
  }
  found.sort((a, b) => a.pkgIdx - b.pkgIdx);
  return { values: found.map((f) => f.blob), warnings };
}

/** The blob of one slot, or why it is unusable. The caller has checked that the blocks lie inside the file. */
function readBlob(db: Buffer, pkgIdx: number, blkOff: number, blkCnt: number): Buffer | string {
  const start = blkOff * BLK_SIZE;
  const end = start + blkCnt * BLK_SIZE;
  if (end - start < BLOB_HEAD_SIZE + BLOB_TAIL_SIZE) return 'blob too small';
  if (db.readUInt32LE(start) !== BLOB_HEAD_MAGIC) return 'bad blob head magic';
  if (db.readUInt32LE(start + 4) !== pkgIdx) return 'blob belongs to another package';
  const length = db.readUInt32LE(start + 12);
  if (length > MAX_BLOB_BYTES) return `blob of ${length} bytes exceeds the size limit`;
  if (blkCnt !== Math.ceil((BLOB_HEAD_SIZE + length + BLOB_TAIL_SIZE) / BLK_SIZE))
    return 'blob length mismatch';
  const tail = end - BLOB_TAIL_SIZE;
  if (db.readUInt32LE(tail + 8) !== BLOB_TAIL_MAGIC || db.readUInt32LE(tail + 4) !== length) {
    return 'bad blob tail';
  }
  if (db.readUInt32LE(tail) !== adler32(db.subarray(start, tail))) return 'blob checksum mismatch';
  return Buffer.from(db.subarray(start + BLOB_HEAD_SIZE, start + BLOB_HEAD_SIZE + length));
}

/** Adler-32 (RFC 1950), as rpmpkg.c computes it. */
export function adler32(data: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < data.length;) {
    // 5552 bytes is the most that can be summed before b can overflow 2^32 (zlib's NMAX).
    const stop = Math.min(i + 5552, data.length);
    for (; i < stop; i++) {
      a += data[i] ?? 0;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** RPM ndb database (`Packages.db`): openSUSE and SLES 15 and later. */
export const rpmNdbAnalyzer: FileAnalyzer = {
  id: 'rpm-ndb',
  version: 1,
  description: 'var/lib/rpm/Packages.db (ndb)',
  evidence: 'installed',
  maxBytes: 512 * 1024 * 1024,
  wants: (file) => PATHS.has(file.path),
  analyze: (file) => packagesFromHeaderBlobs(file.path, () => readNdb(file.content)),
};
