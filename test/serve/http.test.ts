import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as https from 'node:https';
import type { ServerResponse } from 'node:http';
import { createTestCa } from '../helpers/test-ca.js';
import { renderServeMetrics, startServeHttp } from '../../src/serve/http.js';
import { ConfigError } from '../../src/core/errors.js';
import type { ServeStatus } from '../../src/serve/serve.js';

const status = (ready: boolean): ServeStatus => ({
  ready,
  leader: false,
  passes: 0,
  passErrors: 0,
  watches: [
    {
      resource: 'pods',
      namespace: '',
      stats: {
        lists: 1,
        relists: 2,
        events: 7,
        bookmarks: 3,
        malformed: 1,
        oversized: 0,
        reconnects: 4,
        errors: 0,
      },
    },
  ],
  scans: { scanned: 5, failed: 1, skipped: 9, queued: 2, inFlight: 1 },
});

function get(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

test('serve HTTP over TLS: health, readiness, metrics, mounted handlers first-come, 404 otherwise', async () => {
  const ca = createTestCa();
  const tls = ca.issue('127.0.0.1');
  let ready = false;
  const mounted = async (req: { url?: string }, res: ServerResponse) => {
    if (!req.url?.startsWith('/api/')) return false;
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end('{"mounted":true}');
    return true;
  };
  const failing = async (req: { url?: string }) => {
    if (req.url === '/boom') throw new Error('secret internals');
    return false;
  };
  const logs: string[] = [];
  const server = await startServeHttp({
    host: '127.0.0.1',
    port: 0,
    tls,
    status: () => status(ready),
    handlers: [failing, mounted],
    onLog: (m) => logs.push(m),
  });
  try {
    assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal((await get(`${server.url}/healthz`, ca.caPem)).status, 200);
    assert.equal((await get(`${server.url}/readyz`, ca.caPem)).status, 503);
    ready = true;
    assert.equal((await get(`${server.url}/readyz`, ca.caPem)).status, 200);
    assert.deepEqual(await get(`${server.url}/api/v1/images`, ca.caPem), {
      status: 200,
      body: '{"mounted":true}',
    });
    const boom = await get(`${server.url}/boom`, ca.caPem);
    assert.deepEqual(boom, { status: 500, body: '{"error":"internal error"}' });
    assert.match(logs[0] ?? '', /secret internals/);
    assert.equal((await get(`${server.url}/other`, ca.caPem)).status, 404);
  } finally {
    await server.close();
  }
});

test('metrics: watch and scan counters, leader and queue gauges in the Prometheus text format', () => {
  const text = renderServeMetrics(status(true));
  for (const line of [
    'kubeward_serve_watch_events_total{resource="pods",namespace="",type="object"} 7',
    'kubeward_serve_watch_events_total{resource="pods",namespace="",type="bookmark"} 3',
    'kubeward_serve_watch_relists_total{resource="pods",namespace=""} 2',
    'kubeward_serve_watch_skipped_lines_total{resource="pods",namespace="",reason="malformed"} 1',
    'kubeward_serve_image_scans_total{result="failed"} 1',
    'kubeward_serve_leader 0',
    'kubeward_serve_scan_queue 2',
    '# TYPE kubeward_serve_image_scans_total counter',
  ])
    assert.ok(text.split('\n').includes(line), `missing: ${line}\n${text}`);
});

test('a port in use is a configuration error naming the address', async () => {
  const first = await startServeHttp({ host: '127.0.0.1', port: 0, status: () => status(true) });
  const port = Number(new URL(first.url).port);
  try {
    await assert.rejects(
      startServeHttp({ host: '127.0.0.1', port, status: () => status(true) }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.code === 'CONFIG' &&
        /cannot listen on 127\.0\.0\.1:\d+: EADDRINUSE/.test(error.message),
    );
  } finally {
    await first.close();
  }
});
