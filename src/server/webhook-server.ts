/**
 * The webhook over HTTPS: POST /validate and /mutate take an AdmissionReview and always answer 200 with one when
 * the body parses (failures inside response.status); a body that is not a review gets 400, one over the limit
 * 413. /healthz, /readyz and /metrics for the kubelet and Prometheus. Shutdown stops accepting, turns /readyz
 * off, lets in-flight reviews finish within a grace period, then closes what is left.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { AdmissionEngine, Decision } from '../admission/admit.js';
import { parseAdmissionReview, toReviewResponse } from '../admission/review.js';
import { errorMessage } from '../core/errors.js';
import type { WebhookMetrics } from './metrics.js';
import { createWebhookMetrics } from './metrics.js';
import type { TlsFiles, TlsPair, TlsReloader } from './tls-reloader.js';
import { loadTlsPair, watchTlsPair } from './tls-reloader.js';

export interface WebhookServerOptions {
  engine: AdmissionEngine;
  /** Files (reloaded on change) or a fixed pair. */
  tls: TlsFiles | TlsPair;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  maxBodyBytes?: number;
  requestTimeoutMs?: number;
  shutdownGraceMs?: number;
  metrics?: WebhookMetrics;
  /** Decision records (denials, audits, failures); never called for dry runs. */
  log?: (record: Record<string, unknown>) => void;
}

export interface WebhookServer {
  readonly url: string;
  readonly port: number;
  readonly metrics: WebhookMetrics;
  /** Reviews being answered right now. */
  inFlight(): number;
  /** Re-read the certificate files now (they are also watched). */
  reloadTls(): Promise<boolean>;
  /** Graceful: stop accepting, drain in-flight requests within the grace period, then close. */
  close(): Promise<void>;
}

const DEFAULT_MAX_BODY = 7 * 1024 * 1024;
export const KEEP_ALIVE_MS = 120_000;

class BodyTooLarge extends Error {}

export async function startWebhookServer(options: WebhookServerOptions): Promise<WebhookServer> {
  const metrics = options.metrics ?? createWebhookMetrics();
  const maxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const log = options.log ?? (() => undefined);
  const pair = 'cert' in options.tls ? options.tls : await loadTlsPair(options.tls);
  let inFlight = 0;
  let closing = false;
  let drained: (() => void) | undefined;

  const server: Server = createServer({ cert: pair.cert, key: pair.key }, (req, res) => {
    inFlight += 1;
    handle(req, res)
      .catch((error: unknown) => {
        // Never crash on a request: answer 500 without internals if nothing was sent yet.
        log({ event: 'internal-error', error: errorMessage(error) });
        if (!res.headersSent) send(res, 500, 'application/json', JSON.stringify({ error: 'internal error' }));
        else res.destroy();
      })
      .finally(() => {
        inFlight -= 1;
        if (closing && inFlight === 0) drained?.();
      });
  });
  server.requestTimeout = options.requestTimeoutMs ?? 30_000;
  server.headersTimeout = Math.min(server.requestTimeout, 20_000);
  // Longer than the API server's idle-connection timeout (client-go's transport: 90 s), so the client closes idle
  // connections, never us: a server-side close races with the client reusing the connection, and the review
  // sent on it then fails or pays a new TCP connection and TLS handshake.
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.on('clientError', (_error, socket) => socket.destroy());
  server.on('secureConnection', (socket) =>
    metrics.tlsHandshakes.inc({ resumed: socket.isSessionReused() ? 'true' : 'false' }),
  );

  let reloader: TlsReloader | undefined;
  if (!('cert' in options.tls)) {
    reloader = watchTlsPair(
      options.tls,
      (next) => server.setSecureContext({ cert: next.cert, key: next.key }),
      (result, error) => {
        metrics.tlsReloads.inc({ result });
        if (error) log({ event: 'tls-reload-failed', error: errorMessage(error) });
      },
    );
  }

  function send(res: ServerResponse, status: number, type: string, body: string): void {
    const headers: Record<string, string | number> = {
      'Content-Type': type,
      'Content-Length': Buffer.byteLength(body),
    };
    // Tell keep-alive clients to reconnect elsewhere while this replica drains.
    if (closing) headers['Connection'] = 'close';
    res.writeHead(status, headers);
    res.end(body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    switch (path) {
      case '/healthz':
        return send(res, 200, 'text/plain', 'ok\n');
      case '/readyz':
        return closing
          ? send(res, 503, 'text/plain', 'shutting down\n')
          : send(res, 200, 'text/plain', 'ok\n');
      case '/metrics':
        return send(res, 200, 'text/plain; version=0.0.4', metrics.render());
      case '/validate':
      case '/mutate':
        break;
      default:
        return send(res, 404, 'application/json', JSON.stringify({ error: `no route ${path}` }));
    }
    const endpoint = path.slice(1) as 'validate' | 'mutate';
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return send(res, 405, 'application/json', JSON.stringify({ error: 'use POST' }));
    }
    const started = performance.now();
    const finish = (decision: string) => {
      metrics.requests.inc({ endpoint, decision });
      metrics.duration.observe({ endpoint }, (performance.now() - started) / 1000);
    };
    let body: string;
    try {
      body = await readBody(req, maxBody);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        finish('too_large');
        send(res, 413, 'application/json', JSON.stringify({ error: `body over ${maxBody} bytes` }));
        // Stop reading the rest of an oversized upload.
        res.on('finish', () => req.destroy());
        return;
      }
      throw error;
    }
    const parsed = parseAdmissionReview(body);
    if (!parsed.ok) {
      finish('bad_request');
      return send(res, 400, 'application/json', JSON.stringify({ error: parsed.message }));
    }
    const request = parsed.request;
    let decision: Decision;
    try {
      decision = await (endpoint === 'validate'
        ? options.engine.validate(request)
        : options.engine.mutate(request));
    } catch (error) {
      // A bug in a policy must not let the request through: deny without leaking internals.
      log({ event: 'internal-error', uid: request.uid, error: errorMessage(error) });
      finish('error');
      const review = toReviewResponse(request.uid, {
        allowed: false,
        status: {
          code: 500,
          reason: 'InternalError',
          message: 'kubeward: internal error while evaluating the request',
        },
        warnings: [],
        auditAnnotations: {},
      });
      return send(res, 200, 'application/json', JSON.stringify(review));
    }
    const { verdict } = decision;
    finish(verdict.allowed ? 'allowed' : verdict.status?.code === 400 ? 'bad_request' : 'denied');
    for (const m of decision.metrics) metrics.policies.inc({ policy: m.policy, result: m.result });
    if (decision.cache.hits > 0) metrics.cache.inc({ cache: 'image', result: 'hit' }, decision.cache.hits);
    if (decision.cache.misses > 0)
      metrics.cache.inc({ cache: 'image', result: 'miss' }, decision.cache.misses);
    if (
      !decision.dryRun &&
      (!verdict.allowed || Object.keys(verdict.auditAnnotations).some((k) => k !== 'enforce-policy'))
    )
      log({
        event: 'decision',
        endpoint,
        uid: request.uid,
        kind: request.kind.kind,
        namespace: request.namespace ?? '',
        name: request.name ?? '',
        user: request.userInfo.username ?? '',
        allowed: verdict.allowed,
        ...(verdict.status ? { message: verdict.status.message } : {}),
        auditAnnotations: verdict.auditAnnotations,
      });
    send(res, 200, 'application/json', JSON.stringify(toReviewResponse(request.uid, verdict)));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8443, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const graceMs = options.shutdownGraceMs ?? 20_000;
  let closed: Promise<void> | undefined;

  return {
    url: `https://${host}:${address.port}`,
    port: address.port,
    metrics,
    inFlight: () => inFlight,
    reloadTls: () => reloader?.check() ?? Promise.resolve(false),
    close() {
      closed ??= (async () => {
        closing = true;
        reloader?.stop();
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        if (inFlight > 0) {
          const allDone = new Promise<void>((resolve) => (drained = resolve));
          let timer: NodeJS.Timeout | undefined;
          const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
          await Promise.race([allDone, timeout]);
          clearTimeout(timer);
        }
        server.closeAllConnections();
        await stopped;
      })();
      return closed;
    },
  };
}

function readBody(req: IncomingMessage, max: number): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > max) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      if (over) return;
      size += chunk.length;
      if (size > max) {
        over = true;
        chunks.length = 0;
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!over) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('client aborted the request')));
  });
}
