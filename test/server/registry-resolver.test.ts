import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRegistryResolver, parseChallenge } from '../../src/server/registry-resolver.js';
import { startBudget } from '../../src/admission/budget.js';
import { DIGEST_A } from '../admission/engine.js';

async function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ host: string; close(): void }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => server.closeAllConnections() ?? server.close(),
  };
}

test('HEAD on the manifest with the anonymous Bearer token dance (Docker Hub style)', async () => {
  const seen: string[] = [];
  let host = '';
  const fake = await listen((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? '-'}`);
    if (req.url?.startsWith('/token')) {
      res.setHeader('content-type', 'application/json');
      return res.end(JSON.stringify({ token: 'anon-token', expires_in: 300 }));
    }
    if (req.headers.authorization !== 'Bearer anon-token') {
      res.statusCode = 401;
      res.setHeader(
        'www-authenticate',
        `Bearer realm="http://${host}/token",service="fake",scope="repository:team/app:pull"`,
      );
      return res.end();
    }
    assert.match(String(req.headers.accept), /application\/vnd\.oci\.image\.index\.v1\+json/);
    res.setHeader('docker-content-digest', DIGEST_A);
    res.end();
  });
  host = fake.host;
  const resolver = createRegistryResolver({ plainHttp: [host] });
  try {
    const budget = startBudget(1000);
    assert.equal(
      await resolver.resolve({ registry: host, repository: 'team/app', tag: '1.0' }, budget.signal),
      DIGEST_A,
    );
    assert.equal(
      await resolver.resolve({ registry: host, repository: 'team/app', tag: '1.1' }, budget.signal),
      DIGEST_A,
    );
    budget.dispose();
    assert.deepEqual(
      seen.filter((s) => s.startsWith('GET /token')),
      ['GET /token?service=fake&scope=repository%3Ateam%2Fapp%3Apull -'],
      'the token is fetched once and reused',
    );
  } finally {
    await resolver.close();
    fake.close();
  }
  assert.deepEqual(
    parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io"'),
    {
      realm: 'https://auth.docker.io/token',
      service: 'registry.docker.io',
    },
  );
});

test('registry down and registry slow end in errors within the budget', async () => {
  const slow = await listen(() => undefined);
  const dead = await listen(() => undefined);
  dead.close();
  const resolver = createRegistryResolver({ plainHttp: [slow.host, dead.host] });
  try {
    const budget = startBudget(150);
    const started = Date.now();
    await assert.rejects(
      budget.run((signal) => resolver.resolve({ registry: slow.host, repository: 'a', tag: 'b' }, signal)),
      /budget of 150 ms/,
    );
    assert.ok(Date.now() - started < 1000);
    budget.dispose();
    const other = startBudget(1000);
    await assert.rejects(
      resolver.resolve({ registry: dead.host, repository: 'a', tag: 'b' }, other.signal),
      /ECONNREFUSED/,
    );
    other.dispose();
  } finally {
    await resolver.close();
    slow.close();
  }
});

test(
  'against the real Debian docker-registry: the resolved digest is the digest of the pushed manifest',
  { skip: !existsSync('/usr/bin/docker-registry') && 'docker-registry is not installed' },
  async () => {
    const work = mkdtempSync(join(tmpdir(), 'kw-registry-'));
    const config = join(work, 'config.yml');
    writeFileSync(
      config,
      `version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${work}/data\nhttp:\n  addr: 127.0.0.1:0\n  secret: kubeward-test\n`,
    );
    const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const host = await new Promise<string>((resolve, reject) => {
        let log = '';
        const onData = (chunk: Buffer) => {
          log += chunk.toString();
          const m = /listening on (127\.0\.0\.1:\d+)/.exec(log);
          if (m?.[1]) resolve(m[1]);
        };
        child.stdout.on('data', onData);
        child.stderr.on('data', onData);
        child.on('exit', () => reject(new Error(`registry exited: ${log}`)));
        setTimeout(() => reject(new Error(`registry did not start: ${log}`)), 5000).unref();
      });
      const push = async (path: string, method: string, body: Buffer, type: string) => {
        const res = await fetch(`http://${host}${path}`, {
          method,
          body: new Uint8Array(body),
          headers: { 'content-type': type },
        });
        assert.equal(res.status, 201, `${method} ${path}: ${res.status} ${await res.text()}`);
      };
      const digest = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
      const configBlob = Buffer.from(
        JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }),
      );
      // distribution 2.8 has no monolithic POST: start an upload session, then PUT the bytes with the digest.
      const started = await fetch(`http://${host}/v2/lab/app/blobs/uploads/`, { method: 'POST' });
      assert.equal(started.status, 202);
      const location = new URL(String(started.headers.get('location')), `http://${host}`);
      location.searchParams.set('digest', digest(configBlob));
      await push(`${location.pathname}${location.search}`, 'PUT', configBlob, 'application/octet-stream');
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: {
            mediaType: 'application/vnd.oci.image.config.v1+json',
            digest: digest(configBlob),
            size: configBlob.length,
          },
          layers: [],
        }),
      );
      await push('/v2/lab/app/manifests/1.0', 'PUT', manifest, 'application/vnd.oci.image.manifest.v1+json');
      const resolver = createRegistryResolver({ plainHttp: [host] });
      const budget = startBudget(2000);
      try {
        assert.equal(
          await resolver.resolve({ registry: host, repository: 'lab/app', tag: '1.0' }, budget.signal),
          digest(manifest),
        );
        await assert.rejects(
          resolver.resolve({ registry: host, repository: 'lab/app', tag: 'nope' }, budget.signal),
          /manifest unknown/,
        );
      } finally {
        budget.dispose();
        await resolver.close();
      }
    } finally {
      child.kill();
    }
  },
);
