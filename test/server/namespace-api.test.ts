import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createNamespaceApiLookup } from '../../src/server/namespace-api.js';
import { RemoteError } from '../../src/core/errors.js';
import { createTestCa } from '../helpers/test-ca.js';

test('namespace labels come from GET /api/v1/namespaces/NAME with the service account token, over TLS', async () => {
  const ca = createTestCa();
  const pair = ca.issue('fake-apiserver');
  const seen: { path: string; auth: string }[] = [];
  const server = createServer(
    { cert: readFileSync(pair.certFile), key: readFileSync(pair.keyFile) },
    (req, res) => {
      seen.push({ path: req.url ?? '', auth: String(req.headers.authorization) });
      res.setHeader('content-type', 'application/json');
      if (req.url === '/api/v1/namespaces/shop') {
        res.end(
          JSON.stringify({
            kind: 'Namespace',
            apiVersion: 'v1',
            metadata: { name: 'shop', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } },
          }),
        );
      } else if (req.url === '/api/v1/namespaces/locked') {
        res.statusCode = 403;
        res.end(JSON.stringify({ kind: 'Status', code: 403, reason: 'Forbidden' }));
      } else {
        res.statusCode = 404;
        res.end(JSON.stringify({ kind: 'Status', code: 404, reason: 'NotFound' }));
      }
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const tokenFile = join(ca.dir, 'token');
  writeFileSync(tokenFile, 'sa-token-1\n');
  const caFile = join(ca.dir, 'ca.crt');
  const lookup = await createNamespaceApiLookup({
    tokenFile,
    caFile,
    timeoutMs: 1000,
    env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(port) },
  });
  try {
    assert.deepEqual(await lookup('shop'), { 'pod-security.kubernetes.io/enforce': 'baseline' });
    assert.equal(await lookup('missing'), undefined);
    await assert.rejects(
      lookup('locked'),
      (e: unknown) => e instanceof RemoteError && /HTTP 403/.test(e.message),
    );
    assert.deepEqual(seen[0], { path: '/api/v1/namespaces/shop', auth: 'Bearer sa-token-1' });
  } finally {
    await lookup.close();
    server.close();
  }
  await assert.rejects(lookup('shop'), RemoteError, 'a stopped API server is a remote error');
});
