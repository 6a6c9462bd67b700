import { inflateRawSync } from 'node:zlib';

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_EOCD_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const MAX_ENTRIES = 200_000;

/**
 * The central directory of a zip (jar, war) held in memory. Only what analyzers need: names, sizes, and
 * reading one entry with a size cap, so a zip bomb inside an image cannot exhaust memory.
 */
export function readZipDirectory(zip: Buffer): ZipEntry[] | undefined {
  const eocd = findEocd(zip);
  if (eocd < 0) return undefined;
  let count = zip.readUInt16LE(eocd + 10);
  let cdOffset = zip.readUInt32LE(eocd + 16);
  if (cdOffset === 0xffffffff || count === 0xffff) {
    const locator = eocd - 20;
    if (locator < 0 || zip.readUInt32LE(locator) !== ZIP64_EOCD_LOCATOR) return undefined;
    const z64 = Number(zip.readBigUInt64LE(locator + 8));
    if (z64 + 56 > zip.length || zip.readUInt32LE(z64) !== ZIP64_EOCD) return undefined;
    count = Number(zip.readBigUInt64LE(z64 + 32));
    cdOffset = Number(zip.readBigUInt64LE(z64 + 48));
  }
  if (count > MAX_ENTRIES) return undefined;
  const entries: ZipEntry[] = [];
  let pos = cdOffset;
  for (let i = 0; i < count; i++) {
    if (pos + 46 > zip.length || zip.readUInt32LE(pos) !== CENTRAL_SIGNATURE) return entries;
    const method = zip.readUInt16LE(pos + 10);
    let compressedSize = zip.readUInt32LE(pos + 20);
    let size = zip.readUInt32LE(pos + 24);
    const nameLength = zip.readUInt16LE(pos + 28);
    const extraLength = zip.readUInt16LE(pos + 30);
    const commentLength = zip.readUInt16LE(pos + 32);
    let localHeaderOffset = zip.readUInt32LE(pos + 42);
    const name = zip.toString('utf8', pos + 46, pos + 46 + nameLength);
    const extra = zip.subarray(pos + 46 + nameLength, pos + 46 + nameLength + extraLength);
    if (size === 0xffffffff || compressedSize === 0xffffffff || localHeaderOffset === 0xffffffff) {
      const z = zip64Extra(extra);
      if (size === 0xffffffff) size = z.shift() ?? size;
      if (compressedSize === 0xffffffff) compressedSize = z.shift() ?? compressedSize;
      if (localHeaderOffset === 0xffffffff) localHeaderOffset = z.shift() ?? localHeaderOffset;
    }
    entries.push({ name, method, compressedSize, size, localHeaderOffset });
    pos += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Entry content, or undefined if it is damaged, uses an unknown method, or would exceed `maxBytes`. */
export function readZipEntry(zip: Buffer, entry: ZipEntry, maxBytes: number): Buffer | undefined {
  if (entry.size > maxBytes) return undefined;
  const at = entry.localHeaderOffset;
  if (at + 30 > zip.length || zip.readUInt32LE(at) !== LOCAL_SIGNATURE) return undefined;
  const start = at + 30 + zip.readUInt16LE(at + 26) + zip.readUInt16LE(at + 28);
  const end = start + entry.compressedSize;
  if (end > zip.length) return undefined;
  const data = zip.subarray(start, end);
  if (entry.method === 0) return data;
  if (entry.method !== 8) return undefined;
  try {
    // maxOutputLength stops a deflate bomb whatever the header claims.
    return inflateRawSync(data, { maxOutputLength: Math.max(1, maxBytes) });
  } catch {
    return undefined;
  }
}

function findEocd(zip: Buffer): number {
  const min = Math.max(0, zip.length - 22 - 0xffff);
  for (let i = zip.length - 22; i >= min; i--) {
    if (zip.readUInt32LE(i) === EOCD_SIGNATURE) return i;
  }
  return -1;
}

function zip64Extra(extra: Buffer): number[] {
  let pos = 0;
  while (pos + 4 <= extra.length) {
    const id = extra.readUInt16LE(pos);
    const size = extra.readUInt16LE(pos + 2);
    if (id === 0x0001) {
      const values: number[] = [];
      for (let p = pos + 4; p + 8 <= pos + 4 + size && p + 8 <= extra.length; p += 8)
        values.push(Number(extra.readBigUInt64LE(p)));
      return values;
    }
    pos += 4 + size;
  }
  return [];
}
