// The HTTP edge of `serve`, on every replica: health (`/healthz`), readiness (`/readyz`: every watch has
// listed once), Prometheus `/metrics`, and whatever handlers are mounted (the dashboard and its JSON API).
// HTTPS when a certificate is given, reloaded from disk as the webhook's is.
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { ConfigError, errorMessage } from '../core/errors.js';
import { Counter, Gauge } from '../server/metrics.js';
import type { TlsFiles, TlsReloader } from '../server/tls-reloader.js';
import { loadTlsPair, watchTlsPair } from '../server/tls-reloader.js';
import type { ServeStatus } from './serve.js';

/** Answers the request and returns true, or returns false when the path is not its own. */
export type MountedHandler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<boolean>;

export interface ServeHttpOptions {
  host: string;
  port: number;
  tls?: Pick<TlsFiles, 'certFile' | 'keyFile'>;
  status(): ServeStatus;
  handlers?: readonly MountedHandler[];
  onLog?(message: string): void;
}

export interface ServeHttp {
  url: string;
  close(): Promise<void>;
}

/** Prometheus text for the serve status; counters come from the watch and scanner statistics. */
export function renderServeMetrics(status: ServeStatus): string {
  const watchEvents = new Counter('kubeward_serve_watch_events_total', 'Watch events by resource and type.');
  const relists = new Counter('kubeward_serve_watch_relists_total', 'Lists after 410 Gone, by resource.');
  const skipped = new Counter('kubeward_serve_watch_skipped_lines_total', 'Watch lines skipped, by reason.');
  const scans = new Counter('kubeward_serve_image_scans_total', 'Image scans by result.');
  for (const w of status.watches) {
    const labels = { resource: w.resource, namespace: w.namespace };
    watchEvents.inc({ ...labels, type: 'object' }, w.stats.events);
    watchEvents.inc({ ...labels, type: 'bookmark' }, w.stats.bookmarks);
    relists.inc(labels, w.stats.relists);
    skipped.inc({ ...labels, reason: 'malformed' }, w.stats.malformed);
    skipped.inc({ ...labels, reason: 'oversized' }, w.stats.oversized);
  }
  scans.inc({ result: 'scanned' }, status.scans.scanned);
  scans.inc({ result: 'failed' }, status.scans.failed);
  scans.inc({ result: 'skipped' }, status.scans.skipped);
  const gauges = [
    new Gauge('kubeward_serve_leader', '1 while this replica leads (schedules scans).', () =>
      status.leader ? 1 : 0,
    ),
    new Gauge('kubeward_serve_ready', '1 once every watched resource has been listed.', () =>
      status.ready ? 1 : 0,
    ),
    new Gauge('kubeward_serve_scan_queue', 'Digests waiting to be scanned.', () => status.scans.queued),
    new Gauge('kubeward_serve_scans_in_flight', 'Digests being scanned now.', () => status.scans.inFlight),
    new Gauge('kubeward_serve_passes', 'Passes run by this replica.', () => status.passes),
    new Gauge(
      'kubeward_serve_pass_errors',
      'Passes that failed (store or API errors).',
      () => status.passErrors,
    ),
  ];
  return [
    ...[watchEvents, relists, skipped, scans].flatMap((c) => c.render()),
    ...gauges.flatMap((g) => g.render()),
  ]
    .join('\n')
    .concat('\n');
}

export async function startServeHttp(options: ServeHttpOptions): Promise<ServeHttp> {
  const log = options.onLog ?? (() => undefined);
  const send = (res: http.ServerResponse, status: number, type: string, body: string) => {
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/healthz') return send(res, 200, 'text/plain', 'ok\n');
    if (path === '/readyz')
      return options.status().ready
        ? send(res, 200, 'text/plain', 'ok\n')
        : send(res, 503, 'text/plain', 'watches not synced yet\n');
    if (path === '/metrics')
      return send(res, 200, 'text/plain; version=0.0.4', renderServeMetrics(options.status()));
    for (const handler of options.handlers ?? []) if (await handler(req, res)) return;
    send(res, 404, 'application/json', JSON.stringify({ error: `no route ${path}` }));
  };
  const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      // One error handler; 5xx bodies never carry internals.
      log(`request ${req.url ?? ''} failed: ${errorMessage(error)}`);
      if (!res.headersSent) send(res, 500, 'application/json', JSON.stringify({ error: 'internal error' }));
      else res.destroy();
    });
  };
  let reloader: TlsReloader | undefined;
  let server: http.Server | https.Server;
  if (options.tls) {
    const pair = await loadTlsPair(options.tls);
    const secure = https.createServer({ cert: pair.cert, key: pair.key }, listener);
    reloader = watchTlsPair(
      { ...options.tls, intervalMs: 30_000 },
      (next) => secure.setSecureContext({ cert: next.cert, key: next.key }),
      (result, error) => {
        if (error) log(`TLS reload ${result}: ${errorMessage(error)}`);
      },
    );
    server = secure;
  } else server = http.createServer(listener);
  server.requestTimeout = 30_000;
  server.headersTimeout = 20_000;
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new ConfigError(`cannot listen on ${options.host}:${options.port}: ${error.code ?? error.message}`, {
          cause: error,
        }),
      ),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `${options.tls ? 'https' : 'http'}://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        reloader?.stop();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
