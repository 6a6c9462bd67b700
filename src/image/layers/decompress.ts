import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import { InputError } from '../../core/errors.js';
import type { LayerCompression } from '../media-types.js';

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

/** What the first bytes say; the media type can lie (or be generic), the magic bytes cannot. */
export function sniffCompression(head: Buffer): Exclude<LayerCompression, 'unknown'> {
  if (GZIP_MAGIC.every((b, i) => head[i] === b)) return 'gzip';
  if (ZSTD_MAGIC.every((b, i) => head[i] === b)) return 'zstd';
  return 'none';
}

/**
 * The uncompressed tar of a layer blob, whatever its compression, cut off with a LIMIT error past `maxBytes`
 * so a gzip or zstd bomb costs bounded time and no memory.
 */
export async function decompressLayer(raw: Readable, maxBytes: number, what: string): Promise<Readable> {
  const head = await peek(raw, 4);
  const kind = sniffCompression(head);
  const limiter = new ByteLimit(maxBytes, what);
  const forward = (error: Error): void => {
    limiter.destroy(error);
  };
  raw.on('error', forward);
  limiter.on('close', () => raw.destroy());
  if (kind === 'none') return raw.pipe(limiter);
  const decoder = kind === 'gzip' ? createGunzip({ chunkSize: 256 * 1024 }) : new ZstdStream();
  decoder.on('error', (error: Error) =>
    forward(
      error instanceof InputError
        ? error
        : new InputError(`${what}: corrupt ${kind} data (${error.message})`, { cause: error }),
    ),
  );
  limiter.on('close', () => decoder.destroy());
  return raw.pipe(decoder).pipe(limiter);
}

/** Read at least `n` bytes (or all there is) and put them back, so the stream is unchanged for the next reader. */
async function peek(stream: Readable, n: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let length = 0;
  while (length < n) {
    const chunk = stream.read() as Buffer | null;
    if (chunk) {
      chunks.push(chunk);
      length += chunk.length;
      continue;
    }
    if (stream.readableEnded || stream.destroyed) break;
    const ended = await new Promise<boolean>((resolve, reject) => {
      const cleanup = (): void => {
        stream.off('readable', onReadable);
        stream.off('end', onEnd);
        stream.off('error', onError);
      };
      const onReadable = (): void => {
        cleanup();
        resolve(false);
      };
      const onEnd = (): void => {
        cleanup();
        resolve(true);
      };
      const onError = (error: Error): void => {
        cleanup();
        reject(error);
      };
      stream.on('readable', onReadable);
      stream.on('end', onEnd);
      stream.on('error', onError);
    });
    if (ended) break;
  }
  const head = Buffer.concat(chunks);
  if (head.length > 0) stream.unshift(head);
  return head;
}

class ByteLimit extends Transform {
  private bytes = 0;
  constructor(
    private readonly max: number,
    private readonly what: string,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.max) {
      callback(
        new InputError(`${this.what}: uncompressed layer is larger than the limit of ${this.max} bytes`, {
          code: 'LIMIT',
        }),
      );
      return;
    }
    callback(null, chunk);
  }
}

/** fzstd's push decoder as a Node stream. */
class ZstdStream extends Transform {
  private readonly decoder: ZstdDecompress;
  private pending: Buffer[] = [];
  constructor() {
    super();
    this.decoder = new ZstdDecompress((data) => {
      // Copied: fzstd may hand out views of its window, which later blocks overwrite.
      this.pending.push(Buffer.from(data));
    });
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.decoder.push(chunk);
    } catch (error) {
      callback(error as Error);
      return;
    }
    this.drain();
    callback();
  }
  override _flush(callback: TransformCallback): void {
    try {
      this.decoder.push(new Uint8Array(0), true);
    } catch (error) {
      callback(error as Error);
      return;
    }
    this.drain();
    callback();
  }
  private drain(): void {
    for (const piece of this.pending) this.push(piece);
    this.pending = [];
  }
}
