/**
 * A small, defensive zip reader for vulnerability dumps (osv.dev `all.zip`). It trusts only the central
 * directory, reads one entry at a time with positional reads, and refuses what a hostile archive could use
 * against it: encrypted or unknown compression, names that climb out of the archive, sizes beyond the limits,
 * entries whose data overlaps (the "overlapping files" zip bomb), compression ratios no JSON text reaches, and
 * output longer than the declared size (inflate is capped, so a lying header cannot exhaust memory).
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { crc32, inflateRawSync } from 'node:zlib';
import { InputError } from '../../core/errors.js';
import { inflateRawInto } from './inflate.js';

export interface ZipLimits {
  /** Most entries in one archive. */
  maxEntries: number;
  /** Largest uncompressed entry. */
  maxEntryBytes: number;
  /** Largest sum of uncompressed entry sizes. */
  maxTotalBytes: number;
  /** Largest uncompressed/compressed ratio of an entry over 1 MiB (JSON compresses about 10:1). */
  maxRatio: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxEntries: 5_000_000,
  maxEntryBytes: 64 * 1024 * 1024,
  maxTotalBytes: 64 * 1024 * 1024 * 1024,
  maxRatio: 200,
};

export interface ZipEntry {
  name: string;
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD_SIG = 0x06054b50;
const ZIP64_LOCATOR_SIG = 0x07064b50;
const ZIP64_EOCD_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const MAX_COMMENT = 0xffff;
const RATIO_FLOOR = 1024 * 1024;

/** Entries up to this size are inflated in JS into a reused buffer; zlib's per-call setup costs more there. */
const SMALL_ENTRY_BYTES = 256 * 1024;

/** Archives up to this size are read into memory once; larger ones entry by entry with positional reads. */
const IN_MEMORY_BYTES = 1024 * 1024 * 1024;

export class ZipReader {
  private constructor(
    private readonly fd: number,
    private readonly path: string,
    readonly entries: readonly ZipEntry[],
    /** The whole file, when small enough: one read instead of one per entry. */
    private readonly whole: Buffer | undefined,
  ) {}

  /** Output buffer for small entries, reused by `readText`. */
  private scratch = Buffer.alloc(0);

  /** Opens `path` and reads its central directory; throws InputError (code LIMIT for limits) when refused. */
  static open(path: string, limits: Partial<ZipLimits> = {}): ZipReader {
    const all = { ...DEFAULT_ZIP_LIMITS, ...limits };
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      throw new InputError(
        `${path}: cannot open: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        {
          cause: error,
        },
      );
    }
    try {
      const entries = readCentralDirectory(fd, path, all);
      const size = fstatSync(fd).size;
      return new ZipReader(fd, path, entries, size <= IN_MEMORY_BYTES ? readAt(fd, 0, size) : undefined);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** The uncompressed bytes of one entry, checked against its declared size and CRC-32. */
  read(entry: ZipEntry): Buffer {
    return Buffer.from(this.readChecked(entry, this.readRaw(entry)));
  }

  /** One entry decoded as UTF-8 text, checked like `read`; small entries need no allocation but the string. */
  readText(entry: ZipEntry): string {
    return this.readChecked(entry, this.readRaw(entry)).toString('utf8');
  }

  /** `readText` and `readRaw` in one: the text, checked, and the stored bytes it came from (one read). */
  readTextAndRaw(entry: ZipEntry): { text: string; raw: Buffer } {
    const raw = this.readRaw(entry);
    return { text: this.readChecked(entry, raw).toString('utf8'), raw };
  }

  /**
   * The entry's stored bytes as they are in the archive (deflated for method 8), after its local header was
   * checked; a view into the archive, valid while the reader is open. Not checked against the CRC-32: `read`
   * and `readText` do that.
   */
  readRaw(entry: ZipEntry): Buffer {
    const fail = (why: string): never => {
      throw new InputError(`${this.path}: entry ${JSON.stringify(entry.name)}: ${why}`);
    };
    // One read for the local header and the data; the local extra field may be longer than guessed.
    const guess = 30 + Buffer.byteLength(entry.name) + 64;
    let chunk = this.slice(entry.localHeaderOffset, guess + entry.compressedSize);
    if (chunk.length < 30 || chunk.readUInt32LE(0) !== LOCAL_SIG) fail('bad local header');
    const start = 30 + chunk.readUInt16LE(26) + chunk.readUInt16LE(28);
    if (start + entry.compressedSize > chunk.length) {
      chunk = this.slice(entry.localHeaderOffset, start + entry.compressedSize);
      if (start + entry.compressedSize > chunk.length) fail('data runs past the end of the file');
    }
    return chunk.subarray(start, start + entry.compressedSize);
  }

  /** The checked bytes; for small entries a view of the scratch buffer, valid until the next read. */
  private readChecked(entry: ZipEntry, raw: Buffer): Buffer {
    const fail = (why: string, code: 'INPUT' | 'LIMIT' = 'INPUT'): never => {
      throw new InputError(`${this.path}: entry ${JSON.stringify(entry.name)}: ${why}`, { code });
    };
    let data: Buffer;
    if (entry.method === 0) data = raw;
    else if (entry.size <= SMALL_ENTRY_BYTES) {
      if (this.scratch.length < entry.size) this.scratch = Buffer.allocUnsafe(SMALL_ENTRY_BYTES);
      // The output view is exactly the declared size: a stream that says more fails, whatever it claims.
      const view = this.scratch.subarray(0, entry.size);
      try {
        data = view.subarray(0, inflateRawInto(raw, view));
      } catch {
        return fail(`cannot inflate (corrupt, or larger than its declared ${entry.size} bytes)`, 'LIMIT');
      }
    } else {
      try {
        // The cap makes inflate stop at the declared size, whatever the stream says.
        data = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) });
      } catch {
        return fail(`cannot inflate (corrupt, or larger than its declared ${entry.size} bytes)`, 'LIMIT');
      }
    }
    if (data.length !== entry.size) fail(`size ${data.length} differs from the declared ${entry.size}`);
    if (crc32(data) >>> 0 !== entry.crc32) fail('CRC-32 mismatch');
    return data;
  }

  private slice(position: number, length: number): Buffer {
    if (!this.whole) return readAt(this.fd, position, length);
    return this.whole.subarray(position, Math.min(this.whole.length, position + length));
  }

  close(): void {
    closeSync(this.fd);
  }
}

function readAt(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const n = readSync(fd, buffer, done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done === length ? buffer : buffer.subarray(0, done);
}

function readCentralDirectory(fd: number, path: string, limits: ZipLimits): ZipEntry[] {
  const fail = (why: string, code: 'INPUT' | 'LIMIT' = 'INPUT'): never => {
    throw new InputError(`${path}: not a usable zip archive: ${why}`, { code });
  };
  const fileSize = fstatSync(fd).size;
  const tailLength = Math.min(fileSize, 22 + MAX_COMMENT);
  const tail = readAt(fd, fileSize - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return fail('no end of central directory record');
  if (tail.readUInt16LE(eocd + 4) !== 0 || tail.readUInt16LE(eocd + 6) !== 0)
    fail('multi-disk archives are not supported');
  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const locatorAt = fileSize - tailLength + eocd - 20;
    const locator = locatorAt >= 0 ? readAt(fd, locatorAt, 20) : Buffer.alloc(0);
    if (locator.length < 20 || locator.readUInt32LE(0) !== ZIP64_LOCATOR_SIG)
      return fail('ZIP64 locator missing');
    const zip64 = readAt(fd, safeNumber(locator.readBigUInt64LE(8), fail), 56);
    if (zip64.length < 56 || zip64.readUInt32LE(0) !== ZIP64_EOCD_SIG)
      return fail('ZIP64 end record missing');
    count = safeNumber(zip64.readBigUInt64LE(32), fail);
    cdSize = safeNumber(zip64.readBigUInt64LE(40), fail);
    cdOffset = safeNumber(zip64.readBigUInt64LE(48), fail);
  }
  if (count > limits.maxEntries) fail(`${count} entries (limit ${limits.maxEntries})`, 'LIMIT');
  if (cdOffset + cdSize > fileSize) fail('central directory lies outside the file');
  // A central directory entry is at least 46 bytes; a count that cannot fit is a lie.
  if (count * 46 > cdSize) fail('entry count does not fit the central directory');
  const cd = readAt(fd, cdOffset, cdSize);
  const entries: ZipEntry[] = [];
  let total = 0;
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (at + 46 > cd.length || cd.readUInt32LE(at) !== CENTRAL_SIG)
      fail(`central directory entry ${i} is damaged`);
    const flags = cd.readUInt16LE(at + 8);
    const method = cd.readUInt16LE(at + 10);
    const nameLength = cd.readUInt16LE(at + 28);
    const extraLength = cd.readUInt16LE(at + 30);
    const commentLength = cd.readUInt16LE(at + 32);
    const name = cd.toString('utf8', at + 46, at + 46 + nameLength);
    const entry: ZipEntry = {
      name,
      method,
      crc32: cd.readUInt32LE(at + 16),
      compressedSize: cd.readUInt32LE(at + 20),
      size: cd.readUInt32LE(at + 24),
      localHeaderOffset: cd.readUInt32LE(at + 42),
    };
    applyZip64Extra(entry, cd.subarray(at + 46 + nameLength, at + 46 + nameLength + extraLength), fail);
    at += 46 + nameLength + extraLength + commentLength;
    if (flags & 1) fail(`entry ${JSON.stringify(name)} is encrypted`);
    if (method !== 0 && method !== 8) fail(`entry ${JSON.stringify(name)} uses compression method ${method}`);
    checkName(name, fail);
    if (name.endsWith('/')) continue;
    if (entry.size > limits.maxEntryBytes)
      fail(`entry ${JSON.stringify(name)} is ${entry.size} bytes (limit ${limits.maxEntryBytes})`, 'LIMIT');
    if (entry.size > RATIO_FLOOR && entry.size > entry.compressedSize * limits.maxRatio)
      fail(`entry ${JSON.stringify(name)} expands more than ${limits.maxRatio}:1`, 'LIMIT');
    if (method === 0 && entry.size !== entry.compressedSize)
      fail(`stored entry ${JSON.stringify(name)} has two sizes`);
    total += entry.size;
    if (total > limits.maxTotalBytes) fail(`more than ${limits.maxTotalBytes} bytes uncompressed`, 'LIMIT');
    entries.push(entry);
  }
  checkNoOverlap(entries, cdOffset, fail);
  return entries;
}

function applyZip64Extra(entry: ZipEntry, extra: Buffer, fail: (why: string) => never): void {
  const needs =
    entry.size === 0xffffffff ||
    entry.compressedSize === 0xffffffff ||
    entry.localHeaderOffset === 0xffffffff;
  if (!needs) return;
  for (let i = 0; i + 4 <= extra.length;) {
    const id = extra.readUInt16LE(i);
    const length = extra.readUInt16LE(i + 2);
    if (id === 0x0001) {
      let p = i + 4;
      const next = (): number => {
        if (p + 8 > i + 4 + length) return fail(`ZIP64 field of ${JSON.stringify(entry.name)} is short`);
        const value = safeNumber(extra.readBigUInt64LE(p), fail);
        p += 8;
        return value;
      };
      // The specification fixes this order and includes only the fields that overflowed.
      if (entry.size === 0xffffffff) entry.size = next();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = next();
      return;
    }
    i += 4 + length;
  }
  fail(`entry ${JSON.stringify(entry.name)} lacks its ZIP64 sizes`);
}

/** No absolute paths, drive letters, backslashes, NULs or `..` segments: names never leave the archive. */
function checkName(name: string, fail: (why: string) => never): void {
  if (
    name === '' ||
    name.startsWith('/') ||
    /^[A-Za-z]:/.test(name) ||
    name.includes('\\') ||
    name.includes('\0') ||
    name.split('/').includes('..')
  ) {
    fail(`entry name ${JSON.stringify(name)} is unsafe`);
  }
}

/** Each entry's local header and data must end before the next begins, and all before the central directory. */
function checkNoOverlap(entries: readonly ZipEntry[], cdOffset: number, fail: (why: string) => never): void {
  const sorted = [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  for (let i = 0; i < sorted.length; i++) {
    const entry = sorted[i] as ZipEntry;
    const end = entry.localHeaderOffset + 30 + Buffer.byteLength(entry.name) + entry.compressedSize;
    const next = sorted[i + 1]?.localHeaderOffset ?? cdOffset;
    if (end > next) fail(`entry ${JSON.stringify(entry.name)} overlaps the next one`);
  }
}

function safeNumber(value: bigint, fail: (why: string) => never): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) fail('a ZIP64 size is out of range');
  return Number(value);
}
