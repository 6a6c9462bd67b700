import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InputError, RemoteError, errorMessage } from '../core/errors.js';
import type { HttpValidators } from './builder.js';

export interface DownloadOptions {
  validators?: HttpValidators;
  /** Largest body accepted (the biggest osv.dev dumps are a few hundred MiB). */
  maxBytes?: number;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

export type DownloadResult =
  | { status: 'downloaded'; validators: HttpValidators; bytes: number }
  | { status: 'not-modified' }
  | { status: 'not-found' };

const DEFAULT_MAX_BYTES = 4 * 1024 * 1024 * 1024;

/**
 * GETs `url` into `file`, conditionally when validators from the last update are known, so an unchanged dump
 * costs one round trip. The body is streamed to disk and cut off at `maxBytes`.
 */
export async function downloadToFile(
  url: string,
  file: string,
  options: DownloadOptions = {},
): Promise<DownloadResult> {
  const headers: Record<string, string> = { 'user-agent': 'kubeward (vulnerability database update)' };
  if (options.validators?.etag) headers['if-none-match'] = options.validators.etag;
  if (options.validators?.lastModified) headers['if-modified-since'] = options.validators.lastModified;
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, {
      headers,
      redirect: 'follow',
      signal: AbortSignal.timeout(options.timeoutMs ?? 15 * 60 * 1000),
    });
  } catch (error) {
    throw new RemoteError(`${url}: ${errorMessage(error)}`, { cause: error });
  }
  if (response.status === 304) return { status: 'not-modified' };
  if (response.status === 404) return { status: 'not-found' };
  if (!response.ok || !response.body)
    throw new RemoteError(`${url}: HTTP ${response.status} ${response.statusText}`);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes)
    throw new InputError(`${url}: ${declared} bytes is over the ${maxBytes} byte limit`, { code: 'LIMIT' });
  let bytes = 0;
  const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > maxBytes)
      body.destroy(new InputError(`${url}: more than ${maxBytes} bytes`, { code: 'LIMIT' }));
  });
  try {
    await pipeline(body, createWriteStream(file));
  } catch (error) {
    await rm(file, { force: true });
    if (error instanceof InputError) throw error;
    throw new RemoteError(`${url}: download failed: ${errorMessage(error)}`, { cause: error });
  }
  const etag = response.headers.get('etag');
  const lastModified = response.headers.get('last-modified');
  return {
    status: 'downloaded',
    bytes,
    validators: { ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) },
  };
}
