// The HTTP transport for watch streams and Lease writes. It is plain HTTP through the kubeconfig's credentials
// (as connection.ts), not the client library's `Watch` class: that class JSON-parses every line with no size
// bound and hides the HTTP status of the watch request, and we need both (a bounded line reader that counts
// oversized and malformed lines, and HTTP 410 told apart from other failures to decide between relist and
// backoff). Objects also keep their wire form this way.
import * as http from 'node:http';
import * as https from 'node:https';
import type { Readable } from 'node:stream';
import { ConfigError, RemoteError, errorMessage } from '../../core/errors.js';
import type { ApiResponse, ConnectOptions } from './connection.js';
import { loadKubeConfig, requestError } from './connection.js';

export type LineItem = { kind: 'line'; text: string } | { kind: 'oversized'; bytes: number };

export interface WatchStream {
  status: number;
  /** Set when the status is not 2xx: the (bounded) error body. */
  body?: string;
  lines: AsyncIterable<LineItem>;
  /** Ends the stream (the iterator finishes). */
  close(): void;
}

export interface KubeClient {
  server: string;
  context: string;
  /** GET, POST or PUT with a JSON body, answered in full (bounded). */
  request(method: 'GET' | 'POST' | 'PUT', path: string, options?: RequestOptions): Promise<ApiResponse>;
  /** A long-lived GET read line by line (watch). */
  stream(path: string, query: Record<string, string>, options?: StreamOptions): Promise<WatchStream>;
}

export interface RequestOptions {
  query?: Record<string, string>;
  body?: unknown;
  /** Aborts the request (connecting or reading). */
  signal?: AbortSignal;
}

export interface StreamOptions {
  /** Longest line accepted; longer lines are skipped whole and reported as `oversized`. */
  maxLineBytes?: number;
  /** The stream is dropped when nothing arrives for this long (a half-open connection). */
  idleTimeoutMs?: number;
  /** Aborts the request, also while it is still waiting for the response headers. */
  signal?: AbortSignal;
}

export interface KubeClientOptions extends ConnectOptions {
  /** Largest error or request-response body kept, in bytes. */
  maxResponseBytes?: number;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_RESPONSE = 16 * 1024 * 1024;
export const DEFAULT_MAX_LINE_BYTES = 4 * 1024 * 1024;
const ERROR_BODY_BYTES = 64 * 1024;

export async function connectKubeClient(options: KubeClientOptions): Promise<KubeClient> {
  const kc = await loadKubeConfig(options);
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new ConfigError(`kubeconfig context "${kc.getCurrentContext()}" has no cluster`);
  const server = cluster.server.replace(/\/+$/, '');
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBody = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE;
  const authOptions = async (): Promise<https.RequestOptions> => {
    const opts: https.RequestOptions = {};
    try {
      // Refreshed per request: exec and OIDC tokens expire while a server runs for days.
      await kc.applyToHTTPSOptions(opts);
    } catch (error) {
      throw new ConfigError(`cannot use the kubeconfig credentials: ${errorMessage(error)}`, {
        cause: error,
      });
    }
    return opts;
  };
  const urlOf = (path: string, query: Record<string, string> = {}) => {
    const url = new URL(`${server}${path}`);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    return url;
  };
  return {
    server,
    context: kc.getCurrentContext() || 'in-cluster',
    async request(method, path, req = {}) {
      const url = urlOf(path, req.query);
      const response = await open(url, method, await authOptions(), timeout, req.body, req.signal);
      const body = await readBounded(response, maxBody, url);
      return { status: response.statusCode ?? 0, body };
    },
    async stream(path, query, streamOptions = {}) {
      const url = urlOf(path, query);
      const idle = streamOptions.idleTimeoutMs ?? 5 * 60_000;
      const response = await open(url, 'GET', await authOptions(), idle, undefined, streamOptions.signal);
      const status = response.statusCode ?? 0;
      const close = () => response.destroy();
      if (status < 200 || status > 299) {
        const body = await readBounded(response, ERROR_BODY_BYTES, url, true);
        return { status, body, lines: (async function* () {})(), close };
      }
      return {
        status,
        lines: readLines(response, streamOptions.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES),
        close,
      };
    },
  };
}

function open(
  url: URL,
  method: string,
  auth: https.RequestOptions,
  timeout: number,
  body: unknown,
  signal: AbortSignal | undefined,
): Promise<http.IncomingMessage> {
  const lib = url.protocol === 'http:' ? http : https;
  const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = lib.request(url, {
      method,
      ...(auth.agent !== undefined ? { agent: auth.agent } : {}),
      ...(auth.auth ? { auth: auth.auth } : {}),
      headers: {
        ...auth.headers,
        Accept: 'application/json',
        ...(payload ? { 'Content-Type': 'application/json', 'Content-Length': payload.length } : {}),
      },
      timeout,
      ...(signal ? { signal } : {}),
    });
    req.on('response', (res) => {
      // After the headers the socket timeout keeps guarding the body: idle time between chunks.
      res.on('error', () => undefined);
      resolve(res);
    });
    req.on('timeout', () =>
      req.destroy(new RemoteError(`${url.origin}${url.pathname}: no data for ${timeout} ms`)),
    );
    req.on('error', (error) => reject(requestError(url, error)));
    req.end(payload);
  });
}

async function readBounded(
  res: http.IncomingMessage,
  max: number,
  url: URL,
  truncate = false,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > max) {
        res.destroy();
        if (truncate) break;
        throw new RemoteError(`${url.pathname}: response over ${max} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (error instanceof RemoteError) throw error;
    throw new RemoteError(`${url.origin}${url.pathname}: ${errorMessage(error)}`, { cause: error });
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Newline-delimited lines with a bound: a line longer than `maxLineBytes` is dropped as it streams (never
 * buffered whole) and reported once. A read error ends the iteration as a thrown RemoteError.
 */
export async function* readLines(stream: Readable, maxLineBytes: number): AsyncGenerator<LineItem> {
  let parts: Buffer[] = [];
  let size = 0;
  let skipping = false;
  let skipped = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(0x0a, start);
        const end = nl === -1 ? chunk.length : nl;
        const piece = chunk.subarray(start, end);
        if (skipping) skipped += piece.length;
        else if (size + piece.length > maxLineBytes) {
          skipping = true;
          skipped = size + piece.length;
          parts = [];
          size = 0;
        } else if (piece.length > 0) {
          parts.push(piece);
          size += piece.length;
        }
        if (nl === -1) break;
        if (skipping) yield { kind: 'oversized', bytes: skipped };
        else if (size > 0) yield { kind: 'line', text: Buffer.concat(parts).toString('utf8') };
        parts = [];
        size = 0;
        skipping = false;
        skipped = 0;
        start = nl + 1;
      }
    }
  } catch (error) {
    throw new RemoteError(`watch stream: ${errorMessage(error)}`, { cause: error });
  }
  if (!skipping && size > 0) yield { kind: 'line', text: Buffer.concat(parts).toString('utf8') };
}
