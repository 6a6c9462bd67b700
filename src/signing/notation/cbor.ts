/**
 * A minimal CBOR (RFC 8949) decoder and encoder for COSE_Sign1. Strict on purpose: definite lengths only, no
 * duplicate map keys, map keys limited to integers and text, bounded depth and item count, every length checked
 * against the input before reading, no trailing bytes.
 */
import { InputError } from '../../core/errors.js';

export type CborValue =
  number | bigint | string | Uint8Array | boolean | null | undefined | CborValue[] | CborMap | CborTag;

export type CborMap = Map<number | string, CborValue>;

export class CborTag {
  constructor(
    readonly tag: number,
    readonly value: CborValue,
  ) {}
}

export interface CborLimits {
  maxDepth: number;
  maxItems: number;
}

const DEFAULT_LIMITS: CborLimits = { maxDepth: 16, maxItems: 10_000 };

function fail(message: string): never {
  throw new InputError(`CBOR: ${message}`);
}

export function decodeCbor(data: Uint8Array, limits: CborLimits = DEFAULT_LIMITS): CborValue {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  let pos = 0;
  let items = 0;

  const need = (n: number): void => {
    if (n > buf.length - pos) fail('truncated input');
  };

  const readArgument = (info: number): number | bigint => {
    if (info < 24) return info;
    switch (info) {
      case 24:
        need(1);
        return buf.readUInt8(pos++);
      case 25:
        need(2);
        pos += 2;
        return buf.readUInt16BE(pos - 2);
      case 26:
        need(4);
        pos += 4;
        return buf.readUInt32BE(pos - 4);
      case 27: {
        need(8);
        pos += 8;
        const big = buf.readBigUInt64BE(pos - 8);
        return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
      }
      case 31:
        return fail('indefinite lengths are not allowed');
      default:
        return fail(`reserved additional information ${info}`);
    }
  };

  const length = (info: number): number => {
    const n = readArgument(info);
    if (typeof n === 'bigint') fail('length too large');
    return n;
  };

  const item = (depth: number): CborValue => {
    if (depth > limits.maxDepth) fail(`nesting deeper than ${limits.maxDepth}`);
    if (++items > limits.maxItems) fail(`more than ${limits.maxItems} items`);
    need(1);
    const initial = buf.readUInt8(pos++);
    const major = initial >> 5;
    const info = initial & 0x1f;
    switch (major) {
      case 0:
        return readArgument(info);
      case 1: {
        const n = readArgument(info);
        return typeof n === 'bigint' ? -1n - n : -1 - n;
      }
      case 2: {
        const n = length(info);
        need(n);
        pos += n;
        return new Uint8Array(buf.subarray(pos - n, pos));
      }
      case 3: {
        const n = length(info);
        need(n);
        pos += n;
        const bytes = buf.subarray(pos - n, pos);
        const text = new TextDecoder('utf-8', { fatal: true });
        try {
          return text.decode(bytes);
        } catch {
          return fail('invalid UTF-8 in a text string');
        }
      }
      case 4: {
        const n = length(info);
        // Every element takes at least one byte: refuse counts the input cannot hold before allocating.
        need(n);
        const out: CborValue[] = [];
        for (let i = 0; i < n; i++) out.push(item(depth + 1));
        return out;
      }
      case 5: {
        const n = length(info);
        need(n * 2);
        const out: CborMap = new Map();
        for (let i = 0; i < n; i++) {
          const key = item(depth + 1);
          if (typeof key !== 'number' && typeof key !== 'string') fail('map keys must be integers or text');
          if (out.has(key)) fail(`duplicate map key ${JSON.stringify(key)}`);
          out.set(key, item(depth + 1));
        }
        return out;
      }
      case 6: {
        const tag = readArgument(info);
        if (typeof tag === 'bigint') fail('tag number too large');
        return new CborTag(tag, item(depth + 1));
      }
      default: {
        switch (info) {
          case 20:
            return false;
          case 21:
            return true;
          case 22:
            return null;
          case 23:
            return undefined;
          case 25:
            need(2);
            pos += 2;
            return halfToNumber(buf.readUInt16BE(pos - 2));
          case 26:
            need(4);
            pos += 4;
            return buf.readFloatBE(pos - 4);
          case 27:
            need(8);
            pos += 8;
            return buf.readDoubleBE(pos - 8);
          default:
            return fail(`unsupported simple value ${info}`);
        }
      }
    }
  };

  const value = item(0);
  if (pos !== buf.length) fail(`${buf.length - pos} trailing bytes`);
  return value;
}

function halfToNumber(half: number): number {
  const exp = (half >> 10) & 0x1f;
  const mant = half & 0x3ff;
  const sign = half & 0x8000 ? -1 : 1;
  if (exp === 0) return sign * 2 ** -14 * (mant / 1024);
  if (exp === 31) return mant ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + mant / 1024);
}

function head(major: number, n: number | bigint): Buffer {
  const big = BigInt(n);
  if (big < 24n) return Buffer.from([(major << 5) | Number(big)]);
  if (big < 0x100n) return Buffer.from([(major << 5) | 24, Number(big)]);
  if (big < 0x10000n) {
    const b = Buffer.alloc(3);
    b[0] = (major << 5) | 25;
    b.writeUInt16BE(Number(big), 1);
    return b;
  }
  if (big < 0x100000000n) {
    const b = Buffer.alloc(5);
    b[0] = (major << 5) | 26;
    b.writeUInt32BE(Number(big), 1);
    return b;
  }
  const b = Buffer.alloc(9);
  b[0] = (major << 5) | 27;
  b.writeBigUInt64BE(big, 1);
  return b;
}

/** Encode with definite lengths; maps keep insertion order (callers choose the order they sign). */
export function encodeCbor(value: CborValue): Buffer {
  const parts: Buffer[] = [];
  const walk = (v: CborValue): void => {
    if (typeof v === 'number') {
      if (!Number.isInteger(v)) throw new InputError('CBOR: only integers are encoded');
      parts.push(v >= 0 ? head(0, v) : head(1, -1 - v));
    } else if (typeof v === 'bigint') {
      parts.push(v >= 0n ? head(0, v) : head(1, -1n - v));
    } else if (typeof v === 'string') {
      const bytes = Buffer.from(v, 'utf8');
      parts.push(head(3, bytes.length), bytes);
    } else if (v instanceof Uint8Array) {
      parts.push(head(2, v.length), Buffer.from(v));
    } else if (typeof v === 'boolean') {
      parts.push(Buffer.from([v ? 0xf5 : 0xf4]));
    } else if (v === null) {
      parts.push(Buffer.from([0xf6]));
    } else if (v === undefined) {
      parts.push(Buffer.from([0xf7]));
    } else if (Array.isArray(v)) {
      parts.push(head(4, v.length));
      v.forEach(walk);
    } else if (v instanceof Map) {
      parts.push(head(5, v.size));
      for (const [k, item] of v) {
        walk(k);
        walk(item);
      }
    } else {
      parts.push(head(6, v.tag));
      walk(v.value);
    }
  };
  walk(value);
  return Buffer.concat(parts);
}
