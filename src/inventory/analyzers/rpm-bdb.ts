import { InputError } from '../../core/errors.js';
import type { FileAnalyzer } from '../analyzer.js';
import { packagesFromHeaderBlobs } from './rpm-header.js';

/*
 * Berkeley DB hash database, as rpm before 4.16 wrote `var/lib/rpm/Packages` (RHEL 7/8, CentOS, Amazon Linux 2,
 * CBL-Mariner 1). Layout from Berkeley DB's dbinc/db_page.h:
 * - page 0 is the hash metadata page (HMETA): magic 0x061561 at 12 (its byte order gives the file's), version
 *   at 16, page size at 20, encrypt_alg at 24, page type P_HASHMETA (8) at 25, metaflags at 26, last_pgno at 32;
 * - every page starts with a 26-byte header: pgno at 8, prev_pgno 12, next_pgno 16, entries (u16) 20,
 *   hf_offset (u16) 22, level 24, type 25; checksummed files add 6 bytes (PG_CHKSUM) after it;
 * - hash pages (P_HASH_UNSORTED 2, P_HASH 13) hold an array of u16 item offsets after the header, keys at even
 *   and data at odd indexes; item i spans [inp[i], inp[i-1]) (the page end for i = 0) and starts with its type:
 *   H_KEYDATA (1) is the bytes inline, H_OFFPAGE (3) is { type, 3 unused, pgno u32, tlen u32 } naming a chain
 *   of overflow pages (P_OVERFLOW 7) whose hf_offset is the byte count on that page.
 * rpm stores one header blob per record, keyed by its 4-byte header number; key 0 is rpm's own counter.
 * Every page is read, not the bucket chains, so a damaged chain cannot hide or loop: the walk is one pass over
 * the file, and overflow chains are bounded by their declared length, a visited set and a whole-file budget.
 */

const HASH_MAGIC = 0x061561;
const P_HASH_UNSORTED = 2;
const P_OVERFLOW = 7;
const P_HASHMETA = 8;
const P_HASH = 13;
const H_KEYDATA = 1;
const H_OFFPAGE = 3;
const PAGE_HEADER = 26;
const CHKSUM_AREA = 6;
const DBMETA_CHKSUM = 0x01;
const HOFFPAGE_SIZE = 12;
/** rpm refuses headers over 256 MiB (HEADER_DATA_MAX); real ones are kilobytes to a few MiB. */
const MAX_RECORD_BYTES = 64 * 1024 * 1024;

const PATHS = new Set(['var/lib/rpm/Packages', 'usr/lib/sysimage/rpm/Packages']);

export interface BdbRecords {
  /** Record values in file order (rpm header blobs), counter records excluded. */
  values: Buffer[];
  warnings: string[];
}

/** Read every key/data pair of a Berkeley DB hash file; throws InputError when the file is not one at all. */
export function readBdbHash(db: Buffer): BdbRecords {
  if (db.length < 512) throw new InputError('not a Berkeley DB file (too short)');
  let little: boolean;
  if (db.readUInt32LE(12) === HASH_MAGIC) little = true;
  else if (db.readUInt32BE(12) === HASH_MAGIC) little = false;
  else throw new InputError('not a Berkeley DB hash file (bad magic)');
  const u32 = (at: number): number => (little ? db.readUInt32LE(at) : db.readUInt32BE(at));
  const u16 = (at: number): number => (little ? db.readUInt16LE(at) : db.readUInt16BE(at));

  const version = u32(16);
  const pageSize = u32(20);
  if (version < 7 || version > 10) throw new InputError(`unsupported Berkeley DB hash version ${version}`);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
    throw new InputError(`invalid Berkeley DB page size ${pageSize}`);
  }
  if (db[25] !== P_HASHMETA)
    throw new InputError('not a Berkeley DB hash file (page 0 is not hash metadata)');
  if (db[24] !== 0) throw new InputError('encrypted Berkeley DB files are not supported');
  const overhead = PAGE_HEADER + (((db[26] ?? 0) & DBMETA_CHKSUM) !== 0 ? CHKSUM_AREA : 0);
  const pageCount = Math.min(Math.floor(db.length / pageSize), u32(32) + 1);

  const warnings: string[] = [];
  const values: Buffer[] = [];
  // A valid file references each overflow page once, so all chains together are within the file's bytes and
  // pages; charging both up front bounds the work on a hostile file whose items all share one long chain.
  let byteBudget = db.length;
  let pageBudget = pageCount;

  /** Concatenate an overflow chain; undefined (with a warning) when it is broken. */
  const readOverflow = (first: number, total: number): Buffer | undefined => {
    if (total > MAX_RECORD_BYTES || total > byteBudget) {
      warnings.push(`overflow record of ${total} bytes exceeds the size limit`);
      return undefined;
    }
    byteBudget -= total;
    const out = Buffer.alloc(total);
    let filled = 0;
    const seen = new Set<number>();
    for (let pgno = first; filled < total;) {
      if (pgno === 0 || pgno >= pageCount || seen.has(pgno) || --pageBudget < 0) {
        warnings.push(`broken overflow chain at page ${pgno}`);
        return undefined;
      }
      seen.add(pgno);
      const page = pgno * pageSize;
      const length = u16(page + 22);
      if (db[page + 25] !== P_OVERFLOW || length === 0 || overhead + length > pageSize) {
        warnings.push(`page ${pgno} is not a valid overflow page`);
        return undefined;
      }
      const take = Math.min(length, total - filled);
      db.copy(out, filled, page + overhead, page + overhead + take);
      filled += take;
      pgno = u32(page + 16);
    }
    return out;
  };

  /** Bytes of item `index` on the hash page at `page`, with its type byte, or undefined when out of bounds. */
  const item = (page: number, entries: number, index: number): Buffer | undefined => {
    const start = u16(page + overhead + index * 2);
    const end = index === 0 ? pageSize : u16(page + overhead + (index - 1) * 2);
    if (start < overhead + entries * 2 || start >= end || end > pageSize) return undefined;
    return db.subarray(page + start, page + end);
  };

  for (let pgno = 1; pgno < pageCount; pgno++) {
    const page = pgno * pageSize;
    const type = db[page + 25];
    if (type !== P_HASH && type !== P_HASH_UNSORTED) continue;
    const entries = u16(page + 20);
    if (overhead + entries * 2 > pageSize || entries % 2 !== 0) {
      warnings.push(`hash page ${pgno} has an invalid entry count ${entries}`);
      continue;
    }
    for (let i = 0; i < entries; i += 2) {
      const key = item(page, entries, i);
      const data = item(page, entries, i + 1);
      if (!key || !data) {
        warnings.push(`hash page ${pgno} item ${i} is out of bounds`);
        continue;
      }
      // rpm's key 0 record is a counter, not a package.
      if (key[0] === H_KEYDATA && key.length === 5 && key.readUInt32LE(1) === 0) continue;
      if (data[0] === H_KEYDATA) {
        values.push(Buffer.from(data.subarray(1)));
      } else if (data[0] === H_OFFPAGE && data.length >= HOFFPAGE_SIZE) {
        const off = data.byteOffset - db.byteOffset;
        const value = readOverflow(u32(off + 4), u32(off + 8));
        if (value) values.push(value);
      } else {
        warnings.push(`hash page ${pgno} item ${i + 1} has unsupported type ${data[0]}`);
      }
    }
  }
  return { values, warnings };
}

/** RPM Berkeley DB database (`Packages`): rpm before 4.16, RHEL/CentOS 7 and 8, Amazon Linux 2. */
export const rpmBdbAnalyzer: FileAnalyzer = {
  id: 'rpm-bdb',
  version: 1,
  description: 'var/lib/rpm/Packages (Berkeley DB)',
  evidence: 'installed',
  maxBytes: 512 * 1024 * 1024,
  wants: (file) => PATHS.has(file.path),
  analyze: (file) => packagesFromHeaderBlobs(file.path, () => readBdbHash(file.content)),
};
