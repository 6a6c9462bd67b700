import { open } from 'node:fs/promises';
import { InputError } from '../core/errors.js';
import { normaliseTarPath } from './file-store.js';

export interface TarEntryLocation {
  offset: number;
  size: number;
}

export type TarIndex = Map<string, TarEntryLocation>;

const BLOCK = 512;
const MAX_ENTRIES = 100_000;
const MAX_META_BYTES = 1024 * 1024;

/**
 * Where each regular file of a tar archive starts, found by walking the headers and seeking over the data. An
 * image archive can be gigabytes; its blobs are then streamed from their offsets instead of unpacked. Handles
 * ustar prefixes, GNU long names and pax `path`/`size` records.
 */
export async function indexTar(file: string): Promise<TarIndex> {
  const handle = await open(file, 'r').catch((error: unknown) => {
    throw new InputError(
      `cannot open archive ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      {
        cause: error,
      },
    );
  });
  try {
    const total = (await handle.stat()).size;
    const index: TarIndex = new Map();
    const header = Buffer.alloc(BLOCK);
    let offset = 0;
    let longName: string | undefined;
    let pax: Record<string, string> = {};
    while (offset + BLOCK <= total) {
      const { bytesRead } = await handle.read(header, 0, BLOCK, offset);
      if (bytesRead < BLOCK) break;
      if (header.every((b) => b === 0)) break;
      if (!checksumOk(header))
        throw new InputError(`${file}: not a tar archive (bad header checksum at ${offset})`);
      const type = String.fromCharCode(header[156] ?? 0);
      const size = pax['size'] !== undefined ? Number(pax['size']) : parseNumber(header.subarray(124, 136));
      const dataOffset = offset + BLOCK;
      if (!Number.isSafeInteger(size) || size < 0 || dataOffset + size > total) {
        throw new InputError(`${file}: truncated or corrupt tar archive at offset ${offset}`);
      }
      const next = dataOffset + Math.ceil(size / BLOCK) * BLOCK;
      if (type === 'L' || type === 'x') {
        if (size > MAX_META_BYTES)
          throw new InputError(`${file}: oversized tar metadata at offset ${offset}`);
        const data = Buffer.alloc(size);
        await handle.read(data, 0, size, dataOffset);
        if (type === 'L') longName = data.toString('utf8').replace(/\0.*$/s, '');
        else pax = parsePax(data);
        offset = next;
        continue;
      }
      const name = pax['path'] ?? longName ?? headerName(header);
      if (type === '0' || type === '\0' || type === '7') {
        if (index.size >= MAX_ENTRIES)
          throw new InputError(`${file}: more than ${MAX_ENTRIES} entries`, { code: 'LIMIT' });
        index.set(normaliseTarPath(name), { offset: dataOffset, size });
      }
      longName = undefined;
      pax = {};
      offset = next;
    }
    return index;
  } finally {
    await handle.close();
  }
}

function headerName(header: Buffer): string {
  const name = cString(header.subarray(0, 100));
  const magic = header.subarray(257, 263).toString('latin1');
  const prefix = magic.startsWith('ustar') ? cString(header.subarray(345, 500)) : '';
  return prefix ? `${prefix}/${name}` : name;
}

function cString(buf: Buffer): string {
  const end = buf.indexOf(0);
  return buf.subarray(0, end < 0 ? buf.length : end).toString('utf8');
}

/** Octal, or GNU base-256 for sizes of 8 GiB and more. */
export function parseNumber(field: Buffer): number {
  if ((field[0] ?? 0) & 0x80) {
    let value = 0;
    for (let i = 1; i < field.length; i++) value = value * 256 + (field[i] ?? 0);
    return value;
  }
  const text = field
    .toString('latin1')
    .replace(/[\0 ]+$/g, '')
    .trim();
  return text ? parseInt(text, 8) : 0;
}

function checksumOk(header: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : (header[i] ?? 0);
  return sum === parseNumber(header.subarray(148, 156));
}

function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    const space = data.indexOf(0x20, pos);
    if (space < 0) break;
    const length = Number(data.subarray(pos, space).toString('latin1'));
    if (!Number.isSafeInteger(length) || length <= 0) break;
    const record = data.subarray(space + 1, pos + length - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out[record.slice(0, eq)] = record.slice(eq + 1);
    pos += length;
  }
  return out;
}
