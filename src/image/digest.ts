import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { InputError } from '../core/errors.js';

const ALGORITHMS: Record<string, { node: string; hexLength: number }> = {
  sha256: { node: 'sha256', hexLength: 64 },
  sha512: { node: 'sha512', hexLength: 128 },
};

export interface ExpectedBlob {
  digest: string;
  /** Exact size in bytes; undefined when the source does not declare one (docker-archive layers). */
  size?: number;
}

/** Split and check `algo:hex`; unknown algorithms are refused so nothing passes unverified. */
export function parseDigest(digest: string): { algorithm: string; hex: string } {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const known = ALGORITHMS[algorithm];
  if (colon < 0 || !known) throw new InputError(`unsupported digest algorithm in "${digest}"`);
  if (hex.length !== known.hexLength || !/^[a-f0-9]+$/.test(hex))
    throw new InputError(`malformed digest "${digest}"`);
  return { algorithm, hex };
}

export function digestOf(data: Buffer, algorithm = 'sha256'): string {
  return `${algorithm}:${createHash(algorithm).update(data).digest('hex')}`;
}

/** Check a blob that is already in memory (manifests, configs). */
export function verifyBuffer(data: Buffer, expected: ExpectedBlob, what: string): void {
  const { algorithm } = parseDigest(expected.digest);
  if (expected.size !== undefined && data.length !== expected.size) {
    throw new InputError(`${what}: size ${data.length} does not match the declared ${expected.size} bytes`);
  }
  const actual = digestOf(data, algorithm);
  if (actual !== expected.digest)
    throw new InputError(`${what}: digest ${actual} does not match ${expected.digest}`);
}

/**
 * A pass-through stream that fails when the bytes are more than, fewer than, or other than declared. The check
 * happens before the last chunk leaves (in flush), so a consumer never finishes on unverified data; extra bytes
 * fail at once so a lying server cannot stream forever.
 */
export class DigestVerifier extends Transform {
  private readonly hash: Hash;
  private bytes = 0;
  constructor(
    private readonly expected: ExpectedBlob,
    private readonly what: string,
  ) {
    super();
    this.hash = createHash(ALGORITHMS[parseDigest(expected.digest).algorithm]?.node ?? 'sha256');
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.expected.size !== undefined && this.bytes > this.expected.size) {
      callback(new InputError(`${this.what}: more data than the declared ${this.expected.size} bytes`));
      return;
    }
    this.hash.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.expected.size !== undefined && this.bytes !== this.expected.size) {
      callback(new InputError(`${this.what}: truncated: got ${this.bytes} of ${this.expected.size} bytes`));
      return;
    }
    const actual = `${parseDigest(this.expected.digest).algorithm}:${this.hash.digest('hex')}`;
    if (actual !== this.expected.digest) {
      callback(new InputError(`${this.what}: digest ${actual} does not match ${this.expected.digest}`));
      return;
    }
    callback();
  }
}
