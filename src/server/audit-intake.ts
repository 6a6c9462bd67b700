import { createServer } from 'node:https';
import type { Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import type { AuditEvent } from '../checks/runtime/event.js';
import { decodeValue } from '../runtime/decode.js';

/**
 * HTTPS intake for the API server's audit webhook backend (`--audit-webhook-config-file`), which POSTs
 * `audit.k8s.io/v1` EventList batches. Body size and queue length are bounded: a full queue answers 429, and the
 * API server's webhook backend retries with backoff, so back-pressure never loses events silently.
 */
export interface AuditIntakeOptions {
  /** PEM server certificate and key. */
  cert: string | Buffer;
  key: string | Buffer;
  /** PEM CA for client certificates: when set, the API server must present a certificate it signed. */
  clientCa?: string | Buffer;
  /** Bearer token the API server sends (the kubeconfig `token` of the webhook config); optional. */
  token?: string;
  host?: string;
  port?: number;
  /** Largest accepted request body, in bytes. */
  maxBodyBytes?: number;
  /** Most events waiting to be processed; a batch that does not fit is refused with 429. */
  maxQueuedEvents?: number;
  /** Processes one accepted batch; batches are handed over one at a time, in arrival order. */
  onEvents: (events: AuditEvent[]) => Promise<void>;
  /** Called for records in a batch that are not audit events (counted, never fatal). */
  onSkip?: (reason: string) => void;
  /** Processing failures, for the log; the intake keeps running. */
  onError?: (error: unknown) => void;
}

export interface AuditIntakeStats {
  batches: number;
  events: number;
  skipped: number;
  rejectedFull: number;
  rejectedTooLarge: number;
  rejectedBad: number;
  queuedEvents: number;
}

export interface AuditIntake {
  url: string;
  stats: AuditIntakeStats;
  /** Stop accepting, let the queue drain, close. */
  close(): Promise<void>;
  /** Resolves when every accepted batch has been processed. */
  idle(): Promise<void>;
}

export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;
export const DEFAULT_MAX_QUEUED_EVENTS = 20_000;

export async function startAuditIntake(options: AuditIntakeOptions): Promise<AuditIntake> {
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const maxQueued = options.maxQueuedEvents ?? DEFAULT_MAX_QUEUED_EVENTS;
  const stats: AuditIntakeStats = {
    batches: 0,
    events: 0,
    skipped: 0,
    rejectedFull: 0,
    rejectedTooLarge: 0,
    rejectedBad: 0,
    queuedEvents: 0,
  };
  const queue: AuditEvent[][] = [];
  let draining: Promise<void> | undefined;
  const expectedAuth = options.token ? Buffer.from(`Bearer ${options.token}`) : undefined;

  async function drain(): Promise<void> {
    for (let batch = queue.shift(); batch; batch = queue.shift()) {
      try {
        await options.onEvents(batch);
      } catch (error) {
        options.onError?.(error);
      }
      stats.queuedEvents -= batch.length;
    }
    draining = undefined;
  }

  function answer(
    res: ServerResponse,
    status: number,
    body: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): void {
    // One error shape for every refusal; messages are fixed strings, never internals.
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  function authorized(req: IncomingMessage): boolean {
    if (!expectedAuth) return true;
    const got = Buffer.from(req.headers.authorization ?? '');
    return got.length === expectedAuth.length && timingSafeEqual(got, expectedAuth);
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.method === 'GET' && (req.url === '/healthz' || req.url === '/readyz')) {
      answer(res, 200, { status: 'ok', queuedEvents: stats.queuedEvents });
      return;
    }
    if (req.method !== 'POST') {
      answer(res, 405, { error: 'method not allowed' }, { allow: 'POST' });
      return;
    }
    if (!authorized(req)) {
      answer(res, 401, { error: 'unauthorized' });
      return;
    }
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > maxBody) {
      stats.rejectedTooLarge++;
      answer(res, 413, { error: 'body too large', limit: maxBody }, { connection: 'close' });
      req.resume();
      return;
    }
    // Refuse before reading when already full: cheaper for us, and the sender backs off sooner.
    if (stats.queuedEvents >= maxQueued) {
      stats.rejectedFull++;
      answer(res, 429, { error: 'queue full' }, { 'retry-after': '1' });
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > maxBody) {
        tooLarge = true;
        chunks.length = 0;
        stats.rejectedTooLarge++;
        answer(res, 413, { error: 'body too large', limit: maxBody }, { connection: 'close' });
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (tooLarge) return;
      let value: unknown;
      try {
        value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        stats.rejectedBad++;
        stats.skipped++;
        options.onSkip?.('request body is not JSON');
        answer(res, 400, { error: 'body is not JSON' });
        return;
      }
      const events: AuditEvent[] = [];
      decodeValue(value, {
        event: (e) => events.push(e),
        skip: (reason) => {
          stats.skipped++;
          options.onSkip?.(reason);
        },
      });
      if (stats.queuedEvents + events.length > maxQueued && stats.queuedEvents > 0) {
        stats.rejectedFull++;
        answer(res, 429, { error: 'queue full' }, { 'retry-after': '1' });
        return;
      }
      stats.batches++;
      stats.events += events.length;
      if (events.length > 0) {
        stats.queuedEvents += events.length;
        queue.push(events);
        draining ??= drain();
      }
      answer(res, 200, { accepted: events.length });
    });
    req.on('error', () => undefined);
  }

  const server: Server = createServer(
    {
      cert: options.cert,
      key: options.key,
      ...(options.clientCa ? { ca: options.clientCa, requestCert: true, rejectUnauthorized: true } : {}),
      minVersion: 'TLSv1.2',
    },
    handle,
  );
  // Slow senders must not pin connections forever.
  server.requestTimeout = 60_000;
  server.headersTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  const idle = async (): Promise<void> => {
    while (draining) await draining;
  };
  return {
    url: `https://${host}:${address.port}/`,
    stats,
    idle,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await idle();
    },
  };
}
