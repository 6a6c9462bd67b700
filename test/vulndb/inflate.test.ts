import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, deflateRawSync } from 'node:zlib';
import { InflateError, inflateRawInto } from '../../src/vulndb/zip/inflate.js';

/** Deterministic bytes: a xorshift generator, so a failure can be replayed. */
function randomBytes(seed: number, length: number, alphabet: number): Buffer {
  let x = seed || 1;
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    // Runs of a repeated earlier slice give the compressor matches to find, as in JSON.
    out[i] = i > 64 && (x & 7) === 0 ? (out[i - 1 - ((x >>> 3) & 63)] as number) : (x >>> 8) % alphabet;
  }
  return out;
}

const cases = [
  { name: 'empty', data: Buffer.alloc(0), level: 6, strategy: constants.Z_DEFAULT_STRATEGY },
  {
    name: 'text',
    data: Buffer.from('{"id":"GHSA-x","details":"aaaaaaaaaaaaaaa"}'.repeat(40)),
    level: 1,
    strategy: 0,
  },
  { name: 'stored', data: randomBytes(7, 70_000, 256), level: 0, strategy: constants.Z_DEFAULT_STRATEGY },
  { name: 'fixed codes', data: randomBytes(9, 5_000, 20), level: 9, strategy: constants.Z_FIXED },
  { name: 'huffman only', data: randomBytes(11, 9_000, 256), level: 6, strategy: constants.Z_HUFFMAN_ONLY },
  { name: 'runs', data: Buffer.alloc(100_000, 0x61), level: 9, strategy: constants.Z_RLE },
];

test('inflateRawInto decodes what zlib deflates', () => {
  for (const c of cases) {
    const packed = deflateRawSync(c.data, { level: c.level, strategy: c.strategy });
    const out = Buffer.alloc(c.data.length);
    assert.equal(inflateRawInto(packed, out), c.data.length, c.name);
    assert.ok(out.equals(c.data), c.name);
  }
});

test('inflateRawInto matches zlib on random data of every level and alphabet', () => {
  for (let seed = 1; seed <= 300; seed++) {
    const data = randomBytes(seed, (seed * 977) % 20_000, [2, 16, 60, 256][seed % 4] as number);
    const packed = deflateRawSync(data, { level: seed % 10 });
    const out = Buffer.alloc(data.length);
    assert.equal(inflateRawInto(packed, out), data.length, `seed ${seed}`);
    assert.ok(out.equals(data), `seed ${seed}`);
  }
});

test('inflateRawInto refuses output beyond the buffer, truncated and corrupt streams', () => {
  const data = randomBytes(3, 4_000, 30);
  const packed = deflateRawSync(data);
  assert.throws(() => inflateRawInto(packed, Buffer.alloc(data.length - 1)), InflateError);
  assert.throws(
    () => inflateRawInto(packed.subarray(0, packed.length >> 1), Buffer.alloc(data.length)),
    InflateError,
  );
  assert.throws(() => inflateRawInto(Buffer.from([0x07]), Buffer.alloc(10)), InflateError, 'block type 3');
  // Flipped bits either fail or produce other bytes: never more than the buffer, never a hang.
  for (let i = 0; i < packed.length; i += 7) {
    const bad = Buffer.from(packed);
    bad[i] = (bad[i] as number) ^ 0x5a;
    const out = Buffer.alloc(data.length);
    try {
      assert.ok(inflateRawInto(bad, out) <= data.length);
    } catch (error) {
      assert.ok(error instanceof InflateError);
    }
  }
});
