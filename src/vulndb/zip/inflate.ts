/**
 * Raw DEFLATE (RFC 1951) decoding into a caller-sized buffer. Node's `inflateRawSync` builds a zlib stream per
 * call (30-40 µs), more than inflating a typical 1-2 KiB OSV record takes; a dump holds hundreds of thousands
 * of them. This decoder keeps its tables between calls and never writes past `output`, so a lying size cannot
 * make it allocate: a stream that does not fit, or any malformed input, throws InflateError.
 */

export class InflateError extends Error {
  override readonly name = 'InflateError';
}

/** The stream is longer than `output`: a caller without a known size may retry with a larger buffer. */
export class InflateOverflowError extends InflateError {}

/** Codes up to this many bits are decoded with one table lookup; longer (rare) ones bit by bit. */
const FAST_BITS = 10;
const FAST_MASK = (1 << FAST_BITS) - 1;
const MAX_BITS = 15;

const LENGTH_BASE = Uint16Array.from([
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195,
  227, 258,
]);
const LENGTH_EXTRA = Uint8Array.from([
  0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
]);
const DIST_BASE = Uint16Array.from([
  1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097,
  6145, 8193, 12289, 16385, 24577,
]);
const DIST_EXTRA = Uint8Array.from([
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
]);
const CODE_LENGTH_ORDER = Uint8Array.from([16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]);

/** A canonical Huffman code: counts per length, symbols in code order, and a lookup table for short codes. */
interface Huffman {
  count: Uint16Array;
  symbol: Uint16Array;
  /** Indexed by the next input bits (`mask` of them): `symbol << 4 | length`, or 0 when the code is longer. */
  fast: Uint16Array;
  /** The table covers min(longest code, FAST_BITS) bits: small codes need small tables, built per block. */
  mask: number;
}

function newHuffman(symbols: number): Huffman {
  return {
    count: new Uint16Array(MAX_BITS + 1),
    symbol: new Uint16Array(symbols),
    fast: new Uint16Array(1 << FAST_BITS),
    mask: FAST_MASK,
  };
}

const offsets = new Uint16Array(MAX_BITS + 2);

/** FAST_BITS-bit values with their bits in reverse order (Huffman codes are stored first bit lowest). */
const REVERSED = new Uint16Array(1 << FAST_BITS);
for (let i = 0; i <= FAST_MASK; i++) {
  let reversed = 0;
  for (let b = 0, x = i; b < FAST_BITS; b++, x >>>= 1) reversed = (reversed << 1) | (x & 1);
  REVERSED[i] = reversed;
}

/** Fills `h` from code lengths; throws when the lengths over-subscribe the code space. */
function buildHuffman(h: Huffman, lengths: Uint8Array, n: number): void {
  const { count, symbol, fast } = h;
  count.fill(0);
  for (let i = 0; i < n; i++) {
    const len = lengths[i] as number;
    count[len] = (count[len] as number) + 1;
  }
  count[0] = 0;
  let left = 1;
  for (let len = 1; len <= MAX_BITS; len++) {
    left = (left << 1) - (count[len] as number);
    if (left < 0) throw new InflateError('over-subscribed Huffman code');
  }
  offsets[1] = 0;
  for (let len = 1; len < MAX_BITS; len++)
    offsets[len + 1] = (offsets[len] as number) + (count[len] as number);
  for (let i = 0; i < n; i++) {
    const len = lengths[i] as number;
    if (len === 0) continue;
    const at = offsets[len] as number;
    symbol[at] = i;
    offsets[len] = at + 1;
  }
  let longest = MAX_BITS;
  while (longest > 1 && count[longest] === 0) longest--;
  const bits = Math.min(longest, FAST_BITS);
  const mask = (1 << bits) - 1;
  h.mask = mask;
  fast.fill(0, 0, mask + 1);
  let code = 0;
  let k = 0;
  for (let len = 1; len <= bits; len++) {
    for (let c = count[len] as number; c > 0; c--, k++, code++) {
      const reversed = REVERSED[code << (FAST_BITS - len)] as number;
      const entry = ((symbol[k] as number) << 4) | len;
      for (let j = reversed; j <= mask; j += 1 << len) fast[j] = entry;
    }
    code <<= 1;
  }
}

/**
 * Decodes a code longer than FAST_BITS from `bits` (at least MAX_BITS valid bits, first bit lowest), as
 * `symbol << 4 | length`; -1 when the bits are no code.
 */
function decodeSlow(h: Huffman, bits: number): number {
  let code = 0;
  let first = 0;
  let index = 0;
  for (let len = 1; len <= MAX_BITS; len++) {
    code |= bits & 1;
    bits >>>= 1;
    const c = h.count[len] as number;
    if (code - c < first) return ((h.symbol[index + code - first] as number) << 4) | len;
    index += c;
    first = (first + c) << 1;
    code <<= 1;
  }
  return -1;
}

const fixedLength = newHuffman(288);
const fixedDistance = newHuffman(32);
{
  const lengths = new Uint8Array(288);
  lengths.fill(8, 0, 144);
  lengths.fill(9, 144, 256);
  lengths.fill(7, 256, 280);
  lengths.fill(8, 280, 288);
  buildHuffman(fixedLength, lengths, 288);
  buildHuffman(fixedDistance, new Uint8Array(32).fill(5), 32);
}
const dynamicLength = newHuffman(288);
const dynamicDistance = newHuffman(32);
const codeLengthCode = newHuffman(19);
const lengthsScratch = new Uint8Array(288 + 32);
const distanceLengths = new Uint8Array(32);

/** Bit-reader state shared by the block-header code; the data loop copies it into locals. */
class BitReader {
  pos = 0;
  bitBuf = 0;
  bitCount = 0;
  constructor(readonly input: Uint8Array) {}

  /** Reads past the end supply zero bits; `overrun` turns that into an error at block ends. */
  need(n: number): void {
    const input = this.input;
    while (this.bitCount < n) {
      if (this.pos < input.length) this.bitBuf |= (input[this.pos] as number) << this.bitCount;
      this.pos++;
      this.bitCount += 8;
    }
  }

  bits(n: number): number {
    this.need(n);
    const value = this.bitBuf & ((1 << n) - 1);
    this.bitBuf >>>= n;
    this.bitCount -= n;
    return value;
  }

  decode(h: Huffman): number {
    this.need(MAX_BITS);
    let entry = h.fast[this.bitBuf & h.mask] as number;
    if (entry === 0) {
      entry = decodeSlow(h, this.bitBuf);
      if (entry < 0) throw new InflateError('invalid Huffman code');
    }
    const len = entry & 15;
    this.bitBuf >>>= len;
    this.bitCount -= len;
    return entry >>> 4;
  }

  overrun(): boolean {
    return this.pos - (this.bitCount >>> 3) > this.input.length;
  }
}

/** Reads a dynamic block header into the dynamic tables. */
function readDynamicTables(r: BitReader): void {
  const nlen = r.bits(5) + 257;
  const ndist = r.bits(5) + 1;
  const ncode = r.bits(4) + 4;
  if (nlen > 286 || ndist > 30) throw new InflateError('bad dynamic block counts');
  const lengths = lengthsScratch;
  lengths.fill(0, 0, 19);
  for (let i = 0; i < ncode; i++) lengths[CODE_LENGTH_ORDER[i] as number] = r.bits(3);
  buildHuffman(codeLengthCode, lengths, 19);
  const total = nlen + ndist;
  let i = 0;
  while (i < total) {
    const sym = r.decode(codeLengthCode);
    if (sym < 16) {
      lengths[i++] = sym;
      continue;
    }
    let value = 0;
    let repeat: number;
    if (sym === 16) {
      if (i === 0) throw new InflateError('repeat with no previous length');
      value = lengths[i - 1] as number;
      repeat = 3 + r.bits(2);
    } else if (sym === 17) repeat = 3 + r.bits(3);
    else repeat = 11 + r.bits(7);
    if (i + repeat > total) throw new InflateError('too many code lengths');
    lengths.fill(value, i, i + repeat);
    i += repeat;
  }
  if (lengths[256] === 0) throw new InflateError('no end-of-block code');
  buildHuffman(dynamicLength, lengths, nlen);
  distanceLengths.set(lengths.subarray(nlen, total));
  buildHuffman(dynamicDistance, distanceLengths, ndist);
}

/**
 * Inflates the raw DEFLATE stream `input` into `output` and returns the number of bytes written. Throws
 * InflateError on corrupt data, on a stream that ends early, and on output that would not fit in `output`.
 */
export function inflateRawInto(input: Uint8Array, output: Uint8Array): number {
  const inLength = input.length;
  const outLength = output.length;
  const r = new BitReader(input);
  let out = 0;
  let last = 0;
  while (last === 0) {
    last = r.bits(1);
    const type = r.bits(2);
    if (type === 0) {
      // Stored: drop to a byte boundary and give back whole bytes still in the bit buffer.
      let pos = r.pos - (r.bitCount >>> 3);
      r.bitBuf = 0;
      r.bitCount = 0;
      if (pos + 4 > inLength) throw new InflateError('stored block header runs past the end');
      const len = (input[pos] as number) | ((input[pos + 1] as number) << 8);
      const nlen = (input[pos + 2] as number) | ((input[pos + 3] as number) << 8);
      if (len !== (~nlen & 0xffff)) throw new InflateError('stored block length check failed');
      pos += 4;
      if (pos + len > inLength) throw new InflateError('stored block runs past the end');
      if (out + len > outLength) throw new InflateOverflowError('output larger than expected');
      output.set(input.subarray(pos, pos + len), out);
      r.pos = pos + len;
      out += len;
      continue;
    }
    let lengthCode: Huffman;
    let distanceCode: Huffman;
    if (type === 1) {
      lengthCode = fixedLength;
      distanceCode = fixedDistance;
    } else if (type === 2) {
      readDynamicTables(r);
      lengthCode = dynamicLength;
      distanceCode = dynamicDistance;
    } else throw new InflateError('invalid block type');

    // The data loop, the hot part: bit buffer in locals, refilled to at least 24 bits per step.
    const lengthFast = lengthCode.fast;
    const distanceFast = distanceCode.fast;
    const lengthMask = lengthCode.mask;
    const distanceMask = distanceCode.mask;
    let pos = r.pos;
    let bitBuf = r.bitBuf;
    let bitCount = r.bitCount;
    for (;;) {
      while (bitCount < 24) {
        if (pos < inLength) bitBuf |= (input[pos] as number) << bitCount;
        pos++;
        bitCount += 8;
      }
      let entry = lengthFast[bitBuf & lengthMask] as number;
      if (entry === 0) {
        entry = decodeSlow(lengthCode, bitBuf);
        if (entry < 0) throw new InflateError('invalid Huffman code');
      }
      let len = entry & 15;
      bitBuf >>>= len;
      bitCount -= len;
      const sym = entry >>> 4;
      if (sym < 256) {
        if (out >= outLength) throw new InflateOverflowError('output larger than expected');
        output[out++] = sym;
        continue;
      }
      if (sym === 256) break;
      const li = sym - 257;
      if (li >= 29) throw new InflateError('invalid length symbol');
      const lengthExtra = LENGTH_EXTRA[li] as number;
      const length = (LENGTH_BASE[li] as number) + (bitBuf & ((1 << lengthExtra) - 1));
      bitBuf >>>= lengthExtra;
      bitCount -= lengthExtra;
      while (bitCount < 24) {
        if (pos < inLength) bitBuf |= (input[pos] as number) << bitCount;
        pos++;
        bitCount += 8;
      }
      entry = distanceFast[bitBuf & distanceMask] as number;
      if (entry === 0) {
        entry = decodeSlow(distanceCode, bitBuf);
        if (entry < 0) throw new InflateError('invalid Huffman code');
      }
      len = entry & 15;
      bitBuf >>>= len;
      bitCount -= len;
      const di = entry >>> 4;
      if (di >= 30) throw new InflateError('invalid distance symbol');
      const distanceExtra = DIST_EXTRA[di] as number;
      if (bitCount < distanceExtra) {
        while (bitCount < 24) {
          if (pos < inLength) bitBuf |= (input[pos] as number) << bitCount;
          pos++;
          bitCount += 8;
        }
      }
      const distance = (DIST_BASE[di] as number) + (bitBuf & ((1 << distanceExtra) - 1));
      bitBuf >>>= distanceExtra;
      bitCount -= distanceExtra;
      if (distance > out) throw new InflateError('distance too far back');
      if (out + length > outLength) throw new InflateOverflowError('output larger than expected');
      // Byte by byte: the source may overlap what is being written (runs).
      for (let from = out - distance, end = out + length; out < end;)
        output[out++] = output[from++] as number;
    }
    r.pos = pos;
    r.bitBuf = bitBuf;
    r.bitCount = bitCount;
    if (r.overrun()) throw new InflateError('unexpected end of data');
  }
  if (r.overrun()) throw new InflateError('unexpected end of data');
  return out;
}
