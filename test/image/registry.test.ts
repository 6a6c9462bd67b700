import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InputError, RemoteError } from '../../src/core/errors.js';
import { inventoryImage } from '../../src/inventory/scan-image.js';
import { type RunningRegistry, pushWithSkopeo, startRegistry } from './helpers/registry.js';
import { dpkgStatus, makeTar, OS_RELEASE_DEBIAN, writeOciLayout } from './helpers/oci-builder.js';
import { testImages } from './helpers/test-images.js';

const work = mkdtempSync(join(tmpdir(), 'kubeward-registry-'));
const noConfig = { dockerConfig: false as const, cachePath: false as const };
let small = '';

before(async () => {
  // A small image (a few MB of random bytes, so the blob streams in many chunks) keeps auth and fault tests fast.
  small = join(work, 'small');
  writeOciLayout(
    small,
    [
      {
        tar: await makeTar([
          { name: 'etc/os-release', content: OS_RELEASE_DEBIAN },
          { name: 'var/lib/dpkg/status', content: dpkgStatus([{ name: 'tiny', version: '1.0-1' }]) },
          { name: 'noise.bin', content: randomBytes(4 * 1024 * 1024) },
        ]),
      },
    ],
    'v1',
  );
});
after(() => rmSync(work, { recursive: true, force: true }));

const dpkgLines = (inv: { packages: { name: string; version: string; kind: string }[] }): string[] =>
  inv.packages
    .filter((p) => p.kind === 'deb')
    .map((p) => `${p.name}\t${p.version}`)
    .sort();

describe('anonymous registry (plain HTTP)', () => {
  let registry: RunningRegistry;
  before(async () => {
    registry = await startRegistry({ dir: join(work, 'anon') });
    const images = testImages();
    await pushWithSkopeo(`oci:${images.layout}:debian`, registry, 'test/debian:12');
    await pushWithSkopeo(`oci:${images.layout}:app`, registry, 'test/app:1', ['--format', 'v2s2']);
    await pushWithSkopeo(`oci:${small}:v1`, registry, 'test/small:v1');
  });
  after(() => registry.stop());

  it('reports exactly the packages dpkg-query lists in the Debian root', async () => {
    const inv = await inventoryImage(`${registry.host}/test/debian:12`, { ...noConfig, insecure: true });
    assert.deepEqual(dpkgLines(inv), [...testImages().dpkgQuery].sort());
    assert.equal(inv.os?.id, 'debian');
    assert.match(inv.subject.kind === 'image' ? inv.subject.manifestDigest : '', /^sha256:[a-f0-9]{64}$/);
  });

  it('reads a Docker schema 2 manifest and applies the whiteout layer', async () => {
    const inv = await inventoryImage(`${registry.host}/test/app:1`, { ...noConfig, insecure: true });
    const images = testImages();
    const npm = inv.packages
      .filter((p) => p.ecosystem === 'npm')
      .map((p) => `${p.name}@${p.version}`)
      .sort();
    const expected = images.npmLock.filter((l) => !l.startsWith(`${images.removedNpm}@`)).sort();
    assert.deepEqual(npm, expected);
  });

  it('picks the platform from an index, and lists the offered ones when none matches', async () => {
    const manifestOf = async (
      repoTag: string,
    ): Promise<{ digest: string; size: number; mediaType: string }> => {
      const res = await fetch(`http://${registry.host}/v2/${repoTag.replace(':', '/manifests/')}`, {
        method: 'HEAD',
        headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
      });
      return {
        digest: res.headers.get('docker-content-digest') ?? '',
        size: Number(res.headers.get('content-length')),
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
      };
    };
    // Cross-repository children are not allowed: push the small image into the index's repository too.
    await pushWithSkopeo(`oci:${small}:v1`, registry, 'test/multi:small');
    await pushWithSkopeo(`oci:${testImages().layout}:debian`, registry, 'test/multi:debian');
    const index = {
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [
        { ...(await manifestOf('test/multi:debian')), platform: { os: 'linux', architecture: 'amd64' } },
        {
          ...(await manifestOf('test/multi:small')),
          platform: { os: 'linux', architecture: 'arm64', variant: 'v8' },
        },
      ],
    };
    const put = await fetch(`http://${registry.host}/v2/test/multi/manifests/1`, {
      method: 'PUT',
      headers: { 'content-type': index.mediaType },
      body: JSON.stringify(index),
    });
    assert.equal(put.status, 201);
    const arm = await inventoryImage(`${registry.host}/test/multi:1`, {
      ...noConfig,
      insecure: true,
      platform: { os: 'linux', architecture: 'arm64' },
    });
    assert.deepEqual(dpkgLines(arm), ['tiny\t1.0-1']);
    await assert.rejects(
      inventoryImage(`${registry.host}/test/multi:1`, {
        ...noConfig,
        insecure: true,
        platform: { os: 'linux', architecture: 's390x' },
      }),
      (e: unknown) =>
        e instanceof InputError && /linux\/s390x.*linux\/amd64, linux\/arm64\/v8/.test(e.message),
    );
  });

  it('answers 404 with the repository and tag', async () => {
    await assert.rejects(
      inventoryImage(`${registry.host}/test/small:nope`, { ...noConfig, insecure: true }),
      (e: unknown) =>
        e instanceof RemoteError &&
        e.message.includes('404') &&
        e.message.includes(`${registry.host}/test/small`) &&
        e.message.includes('nope'),
    );
  });

  describe('faults', () => {
    let proxy: Server;
    let proxyHost = '';
    let mode: 'pass' | 'corrupt' | 'truncate' | 'kill' | 'status-once' | 'always-503' = 'pass';
    let faultsLeft = 0;
    let killRegistry: () => void = () => {};
    before(async () => {
      proxy = createServer((req, res) => {
        const isBlob = /\/blobs\/sha256:/.test(req.url ?? '');
        if ((mode === 'status-once' && faultsLeft-- > 0) || mode === 'always-503') {
          res.writeHead(mode === 'status-once' ? 429 : 503, { 'retry-after': '1' }).end();
          return;
        }
        const up = httpRequest(
          { host: '127.0.0.1', port: registry.port, path: req.url, method: req.method, headers: req.headers },
          (upRes) => {
            res.writeHead(upRes.statusCode ?? 502, upRes.headers);
            if (!isBlob || mode === 'pass' || mode === 'status-once') {
              upRes.pipe(res);
              return;
            }
            let sent = 0;
            upRes.on('data', (chunk: Buffer) => {
              if (mode === 'corrupt' && sent === 0)
                chunk[chunk.length - 1] = (chunk[chunk.length - 1] ?? 0) ^ 0xff;
              sent += chunk.length;
              res.write(chunk);
              if (mode === 'truncate' && sent > 1024 * 1024) {
                upRes.destroy();
                res.destroy();
              }
              if (mode === 'kill' && sent > 256 * 1024) killRegistry();
            });
            upRes.on('end', () => res.end());
            upRes.on('error', () => res.destroy());
            upRes.on('close', () => res.destroy());
          },
        );
        up.on('error', () => res.destroy());
        req.pipe(up);
      });
      await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
      proxyHost = `127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((resolve) => proxy.close(() => resolve())));

    it('fails on a blob whose bytes do not match its digest', async () => {
      mode = 'corrupt';
      await assert.rejects(
        inventoryImage(`${proxyHost}/test/small:v1`, { ...noConfig, insecure: true }),
        (e: unknown) => e instanceof InputError && /does not match/.test(e.message),
      );
    });

    it('fails on a truncated blob', async () => {
      mode = 'truncate';
      await assert.rejects(
        inventoryImage(`${proxyHost}/test/small:v1`, { ...noConfig, insecure: true }),
        (e: unknown) => e instanceof RemoteError || e instanceof InputError,
      );
    });

    it('retries 429 after the Retry-After the registry asked for', async () => {
      mode = 'status-once';
      faultsLeft = 1;
      const waits: number[] = [];
      const inv = await inventoryImage(`${proxyHost}/test/small:v1`, {
        ...noConfig,
        insecure: true,
        sleep: async (ms) => void waits.push(ms),
      });
      assert.deepEqual(waits, [1000]);
      assert.equal(inv.packages.length, 1);
    });

    it('gives up on a registry that keeps failing, after a bounded number of tries', async () => {
      mode = 'always-503';
      const waits: number[] = [];
      await assert.rejects(
        inventoryImage(`${proxyHost}/test/small:v1`, {
          ...noConfig,
          insecure: true,
          sleep: async (ms) => void waits.push(ms),
        }),
        (e: unknown) => e instanceof RemoteError && /503/.test(e.message),
      );
      assert.equal(waits.length, 3);
    });

    it('fails cleanly when the registry stops in the middle of a pull', async () => {
      // A second registry over the same storage, so the shared one stays up for other tests.
      const doomed = await startRegistry({ dir: join(work, 'doomed'), storage: registry.storage });
      const savedPort = registry.port;
      (registry as { port: number }).port = doomed.port;
      let killed = false;
      killRegistry = () => {
        if (!killed) void doomed.stop('SIGKILL');
        killed = true;
      };
      mode = 'kill';
      try {
        await assert.rejects(
          inventoryImage(`${proxyHost}/test/small:v1`, {
            ...noConfig,
            insecure: true,
            retry: { baseDelayMs: 1, maxDelayMs: 2 },
          }),
          (e: unknown) => (e instanceof RemoteError || e instanceof InputError) && !e.message.includes('\n'),
        );
      } finally {
        (registry as { port: number }).port = savedPort;
        mode = 'pass';
        await doomed.stop();
      }
    });
  });
});

describe('registry with htpasswd basic auth', () => {
  let registry: RunningRegistry;
  before(async () => {
    registry = await startRegistry({ dir: join(work, 'basic'), auth: 'htpasswd' });
    await pushWithSkopeo(`oci:${small}:v1`, registry, 'private/small:v1');
  });
  after(() => registry.stop());

  it('answers 401 without credentials, naming the repository', async () => {
    await assert.rejects(
      inventoryImage(`${registry.host}/private/small:v1`, { ...noConfig, insecure: true }),
      (e: unknown) =>
        e instanceof RemoteError &&
        e.message.includes('401') &&
        e.message.includes(`${registry.host}/private/small`),
    );
  });

  it('pulls with credentials from the options', async () => {
    const inv = await inventoryImage(`${registry.host}/private/small:v1`, {
      ...noConfig,
      insecure: true,
      credentials: { username: registry.user, password: registry.password },
    });
    assert.deepEqual(dpkgLines(inv), ['tiny\t1.0-1']);
  });

  it('pulls with credentials from DOCKER_CONFIG (auth and username/password forms)', async () => {
    const forms = [
      { auth: Buffer.from(`${registry.user}:${registry.password}`).toString('base64') },
      { username: registry.user, password: registry.password },
    ];
    for (const [i, entry] of forms.entries()) {
      const dir = join(work, `dockercfg${i}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, 'config.json'),
        JSON.stringify({ auths: { [`http://${registry.host}`]: entry } }),
      );
      const inv = await inventoryImage(`${registry.host}/private/small:v1`, {
        cachePath: false,
        insecure: true,
        dockerConfig: { env: { DOCKER_CONFIG: dir } },
      });
      assert.equal(inv.packages.length, 1);
    }
  });

  it('says which credentials failed', async () => {
    await assert.rejects(
      inventoryImage(`${registry.host}/private/small:v1`, {
        ...noConfig,
        insecure: true,
        credentials: { username: registry.user, password: 'wrong' },
      }),
      (e: unknown) => e instanceof RemoteError && /401.*--username\/--password/.test(e.message),
    );
  });
});

describe('registry over TLS with a test CA', () => {
  let registry: RunningRegistry;
  before(async () => {
    registry = await startRegistry({ dir: join(work, 'tls'), tls: true });
    await pushWithSkopeo(`oci:${small}:v1`, registry, 'secure/small:v1');
  });
  after(() => registry.stop());

  it('refuses the unknown CA by default', async () => {
    await assert.rejects(
      inventoryImage(`${registry.host}/secure/small:v1`, noConfig),
      (e: unknown) => e instanceof RemoteError && /cannot reach https/.test(e.message),
    );
  });

  it('trusts the CA file given', async () => {
    const inv = await inventoryImage(`${registry.host}/secure/small:v1`, {
      ...noConfig,
      ...(registry.caFile ? { caFile: registry.caFile } : {}),
    });
    assert.deepEqual(dpkgLines(inv), ['tiny\t1.0-1']);
  });
});

describe('registry with bearer token auth', () => {
  let registry: RunningRegistry;
  before(async () => {
    registry = await startRegistry({ dir: join(work, 'token'), auth: 'token' });
    await pushWithSkopeo(`oci:${small}:v1`, registry, 'tok/small:v1');
  });
  after(() => registry.stop());

  it('gets a token from the realm with the credentials and pulls', async () => {
    const inv = await inventoryImage(`${registry.host}/tok/small:v1`, {
      ...noConfig,
      insecure: true,
      credentials: { username: registry.user, password: registry.password },
    });
    assert.deepEqual(dpkgLines(inv), ['tiny\t1.0-1']);
  });

  it('fails anonymously with a 401 that names the repository', async () => {
    await assert.rejects(
      inventoryImage(`${registry.host}/tok/small:v1`, { ...noConfig, insecure: true }),
      (e: unknown) =>
        e instanceof RemoteError && e.message.includes('401') && e.message.includes('tok/small'),
    );
  });

  it('reports the token server refusing wrong credentials', async () => {
    await assert.rejects(
      inventoryImage(`${registry.host}/tok/small:v1`, {
        ...noConfig,
        insecure: true,
        credentials: { username: 'x', password: 'y' },
      }),
      (e: unknown) => e instanceof RemoteError && /token server .* answered 401/.test(e.message),
    );
  });
});

describe('archives made by skopeo', () => {
  it('reads docker-archive, oci-archive and a zstd-recompressed layout', async () => {
    const images = testImages();
    const dockerArchive = join(work, 'debian-docker.tar');
    const ociArchive = join(work, 'debian-oci.tar');
    const zstdLayout = join(work, 'zstd');
    execFileSync('skopeo', [
      'copy',
      '--quiet',
      `oci:${small}:v1`,
      `docker-archive:${dockerArchive}:test/small:v1`,
    ]);
    execFileSync('skopeo', ['copy', '--quiet', `oci:${small}:v1`, `oci-archive:${ociArchive}:v1`]);
    execFileSync('skopeo', [
      'copy',
      '--quiet',
      '--dest-compress-format',
      'zstd',
      `oci:${images.layout}:app`,
      `oci:${zstdLayout}:app`,
    ]);
    for (const ref of [
      `docker-archive:${dockerArchive}`,
      `oci-archive:${ociArchive}`,
      `oci-archive:${ociArchive}:v1`,
    ]) {
      const inv = await inventoryImage(ref, { cachePath: false });
      assert.deepEqual(dpkgLines(inv), ['tiny\t1.0-1'], ref);
    }
    const zstd = await inventoryImage(`oci:${zstdLayout}:app`, { cachePath: false });
    assert.ok(
      zstd.subject.kind === 'image' && zstd.subject.layers.every((l) => l.mediaType.endsWith('+zstd')),
    );
    assert.deepEqual(dpkgLines(zstd), [...images.dpkgQuery].sort());
  });
});
