// End to end: webhook.yaml declares a Notation and a cosign verifier, the webhook builds them at start and
// verifies images in a real docker-registry (127.0.0.1, plain HTTP) signed by kubeward's own Notation signer
// and by a hand-made cosign-format signature.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { Command } from 'commander';
import { stringify } from 'yaml';
import { loadWebhookConfig, parseWebhookConfig } from '../../src/admission/config.js';
import { registerWebhook } from '../../src/cli/commands/webhook.js';
import type { CliContext } from '../../src/cli/context.js';
import { systemClock } from '../../src/core/clock.js';
import { ConfigError } from '../../src/core/errors.js';
import { MEDIA, digestOf, parseReference } from '../../src/image/index.js';
import { type WebhookApp, startWebhookApp } from '../../src/server/webhook-app.js';
import { parseCertificates } from '../../src/signing/certs.js';
import { loadPrivateKey, signImage } from '../../src/signing/notation/index.js';
import { RegistryWriter } from '../../src/signing/registry-push.js';
import { restrictedPod, reviewFor } from '../admission/reviews.js';
import { makeTar } from '../image/helpers/oci-builder.js';
import { type RunningRegistry, startRegistry } from '../image/helpers/registry.js';
import { type TestPki, makePki, policy } from '../signing/pki.js';
import { cli } from '../cli/run-cli.js';
import { json, send } from './https-client.js';
import { type TestCa, createTestCa } from '../helpers/test-ca.js';
import { pushCosignSignature } from '../helpers/cosign-sign.js';

const access = { insecure: true, dockerConfig: false as const };
let dir: string;
let registry: RunningRegistry;
let pki: TestPki;
let ca: TestCa;
let tlsFiles: { certFile: string; keyFile: string };
let app: WebhookApp;
let configFile: string;
const files = {
  trustPolicy: '',
  cosignKey: '',
  cosignPub: '',
};
const digests = { notation: '', unsigned: '', cosign: '' };

async function pushImage(repoTag: string, content: string): Promise<string> {
  const ref = parseReference(`${registry.host}/${repoTag}`);
  const writer = await RegistryWriter.create(ref, access);
  try {
    const layerTar = gzipSync(await makeTar([{ name: 'hello.txt', content }]));
    const layer = await writer.pushBlob(layerTar);
    const config = await writer.pushBlob(
      Buffer.from(
        JSON.stringify({
          architecture: 'amd64',
          os: 'linux',
          rootfs: { type: 'layers', diff_ids: [digestOf(gunzipSync(layerTar))] },
        }),
      ),
    );
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MEDIA.ociManifest,
        config: { mediaType: MEDIA.ociConfig, ...config },
        layers: [{ mediaType: MEDIA.ociLayerGzip, ...layer }],
      }),
    );
    await writer.pushManifest(ref.tag ?? 'latest', manifest, MEDIA.ociManifest);
    return digestOf(manifest);
  } finally {
    await writer.close();
  }
}

async function cosignSign(repo: string, digest: string, keyPem: string): Promise<void> {
  await pushCosignSignature({ registryHost: registry.host, repo, digest, keyPem, access });
}

/** webhook.yaml as an operator writes it: both verifiers, verify rules over the test registry. */
function webhookYaml(overrides: { images?: Record<string, unknown> } = {}): Record<string, unknown> {
  return {
    server: { listen: '127.0.0.1:0', tls: tlsFiles },
    // The shared 2-core test machine can be slow; the budget must still end before the webhook timeout.
    webhook: { timeoutSeconds: 20 },
    images: {
      registries: { plainHttp: [registry.host] },
      verifiers: [
        { name: 'release', type: 'notation', trustPolicy: files.trustPolicy, trustStore: pki.trustStore },
        { name: 'ci-key', type: 'cosign', key: files.cosignPub, insecureRegistries: [registry.host] },
      ],
      verify: [
        { images: [`${registry.host}/lab/cosigned`], verifier: 'ci-key' },
        { images: [registry.host], verifier: 'release' },
      ],
      unknownOrigin: 'deny',
      verification: { budgetMs: 15_000 },
      ...overrides.images,
    },
  };
}

type Answer = { response: { allowed: boolean; status?: { code: number; message: string } } };

async function validate(url: string, image: string): Promise<Answer['response']> {
  const reply = await send(`${url}/validate`, {
    ca: ca.caPem,
    body: JSON.stringify(reviewFor(restrictedPod('app', image))),
  });
  assert.equal(reply.status, 200, reply.body);
  return json<Answer>(reply).response;
}

async function imageCache(url: string): Promise<{ hit: number; miss: number }> {
  const text = (await send(`${url}/metrics`, { ca: ca.caPem, method: 'GET' })).body;
  const read = (result: string): number =>
    Number(
      new RegExp(`^kubeward_cache_requests_total\\{cache="image",result="${result}"\\} (\\d+)$`, 'm').exec(
        text,
      )?.[1] ?? 0,
    );
  return { hit: read('hit'), miss: read('miss') };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubeward-webhook-sig-'));
  pki = makePki(join(dir, 'pki'));
  ca = createTestCa();
  tlsFiles = ca.issue('webhook-signatures', {
    certFile: join(dir, 'tls.crt'),
    keyFile: join(dir, 'tls.key'),
  });
  registry = await startRegistry({ dir: join(dir, 'registry') });

  files.trustPolicy = join(dir, 'trustpolicy.json');
  writeFileSync(files.trustPolicy, JSON.stringify(policy('strict')));
  files.cosignKey = join(dir, 'cosign.key');
  files.cosignPub = join(dir, 'cosign.pub');
  execFileSync(
    'sh',
    [
      '-c',
      `openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out ${files.cosignKey} && openssl ec -in ${files.cosignKey} -pubout -out ${files.cosignPub}`,
    ],
    { stdio: 'ignore' },
  );

  digests.notation = await pushImage('lab/signed:1', 'signed with notation');
  digests.unsigned = await pushImage('lab/unsigned:1', 'never signed');
  digests.cosign = await pushImage('lab/cosigned:1', 'signed with cosign');
  await signImage(parseReference(`${registry.host}/lab/signed:1`), {
    key: loadPrivateKey(readFileSync(pki.ec.key), 'key'),
    chain: parseCertificates(readFileSync(pki.ec.chain), 'chain'),
    format: 'jws',
    clock: systemClock,
    access,
  });
  await cosignSign('lab/cosigned', digests.cosign, readFileSync(files.cosignKey, 'utf8'));

  configFile = join(dir, 'webhook.yaml');
  writeFileSync(configFile, stringify(webhookYaml()));
  app = await startWebhookApp({ config: await loadWebhookConfig(configFile) });
});

after(async () => {
  await app.close();
  await registry.stop();
  rmSync(dir, { recursive: true, force: true });
  rmSync(ca.dir, { recursive: true, force: true });
});

describe('webhook.yaml verifiers against a real registry', () => {
  it('admits a Pod whose image kubeward signed with Notation (tag resolved to the digest)', async () => {
    const response = await validate(app.server.url, `${registry.host}/lab/signed:1`);
    assert.equal(response.allowed, true, response.status?.message);
  });

  it('denies an unsigned image with a message naming the image, digest and verifier', async () => {
    const response = await validate(app.server.url, `${registry.host}/lab/unsigned:1`);
    assert.equal(response.allowed, false);
    assert.equal(response.status?.code, 403);
    assert.match(
      response.status?.message ?? '',
      new RegExp(
        `image "${registry.host}/lab/unsigned:1" \\(${digests.unsigned}\\) failed signature verification by release: .*no Notation signature`,
      ),
    );
  });

  it('admits a cosign-signed image through the cosign verifier', async () => {
    const response = await validate(app.server.url, `${registry.host}/lab/cosigned@${digests.cosign}`);
    assert.equal(response.allowed, true, response.status?.message);
  });

  it('answers the second review of a digest from the verification cache', async () => {
    const image = `${registry.host}/lab/signed@${digests.notation}`;
    const first = await validate(app.server.url, image);
    assert.equal(first.allowed, true, first.status?.message);
    const before = await imageCache(app.server.url);
    const second = await validate(app.server.url, image);
    assert.equal(second.allowed, true);
    const afterSecond = await imageCache(app.server.url);
    assert.deepEqual(afterSecond, { hit: before.hit + 1, miss: before.miss });
  });

  it('a cosign signature made with another key is denied', async () => {
    const otherKey = join(dir, 'other.key');
    execFileSync(
      'sh',
      [
        '-c',
        `openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out ${otherKey}`,
      ],
      { stdio: 'ignore' },
    );
    const digest = await pushImage('lab/cosigned:forged', 'forged');
    await cosignSign('lab/cosigned', digest, readFileSync(otherKey, 'utf8'));
    const response = await validate(app.server.url, `${registry.host}/lab/cosigned:forged`);
    assert.equal(response.allowed, false);
    assert.match(response.status?.message ?? '', /failed signature verification by ci-key/);
  });
});

describe('registry access per verifier', () => {
  it('insecureRegistries on the verifier alone lets it speak plain HTTP; without it verification fails closed', async () => {
    const image = `${registry.host}/lab/cosigned@${digests.cosign}`;
    const only = (insecureRegistries: string[]) =>
      webhookYaml({
        images: {
          registries: { plainHttp: [] },
          verifiers: [{ name: 'ci-key', type: 'cosign', key: files.cosignPub, insecureRegistries }],
          verify: [{ images: [registry.host], verifier: 'ci-key' }],
        },
      });
    const plain = await startWebhookApp({ config: parseWebhookConfig(only([registry.host])) });
    try {
      const response = await validate(plain.server.url, image);
      assert.equal(response.allowed, true, response.status?.message);
    } finally {
      await plain.close();
    }
    const tls = await startWebhookApp({ config: parseWebhookConfig(only([])) });
    try {
      const response = await validate(tls.server.url, image);
      assert.equal(response.allowed, false);
      assert.match(response.status?.message ?? '', /signature not verified: .*\(failure mode closed\)$/s);
    } finally {
      await tls.close();
    }
  });
});

describe('verifier configuration errors stop the start with one line naming the key', () => {
  const start = (images: Record<string, unknown>) =>
    startWebhookApp({ config: parseWebhookConfig(webhookYaml({ images })) });
  const oneLine = (pattern: RegExp) => (error: unknown) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.doesNotMatch(error.message, /\n/);
    assert.match(error.message, pattern);
    return true;
  };
  const notation = (extra: Record<string, unknown>) => ({
    name: 'release',
    type: 'notation',
    trustPolicy: files.trustPolicy,
    trustStore: pki.trustStore,
    ...extra,
  });

  it('missing or invalid trust policy, trust store, key, CA file', async () => {
    await assert.rejects(
      start({ verifiers: [notation({ trustPolicy: join(dir, 'nope.json') })], verify: [] }),
      oneLine(/^images\.verifiers\[0\]\.trustPolicy: cannot read trust policy .*nope\.json/),
    );
    writeFileSync(join(dir, 'bad-policy.json'), '{"version": "1.0"}');
    await assert.rejects(
      start({ verifiers: [notation({ trustPolicy: join(dir, 'bad-policy.json') })], verify: [] }),
      oneLine(/^images\.verifiers\[0\]\.trustPolicy: /),
    );
    await assert.rejects(
      start({ verifiers: [notation({ trustStore: join(dir, 'no-store') })], verify: [] }),
      oneLine(/^images\.verifiers\[0\]\.trustStore: .*no-store/),
    );
    mkdirSync(join(dir, 'empty-store', 'x509', 'ca', 'acme'), { recursive: true });
    await assert.rejects(
      start({ verifiers: [notation({ trustStore: join(dir, 'empty-store') })], verify: [] }),
      oneLine(/^images\.verifiers\[0\]\.trustStore: trust store ca:acme .* holds no certificates$/),
    );
    const cosign = (key: string, extra: Record<string, unknown> = {}) => ({
      verifiers: [notation({}), { name: 'ci-key', type: 'cosign', key, ...extra }],
      verify: [],
    });
    await assert.rejects(
      start(cosign(join(dir, 'missing.pub'))),
      oneLine(/^images\.verifiers\[1\]\.key: .*ENOENT/),
    );
    await assert.rejects(
      start(cosign(files.cosignKey)),
      oneLine(/^images\.verifiers\[1\]\.key: .*private key/),
    );
    await assert.rejects(
      start(cosign(files.trustPolicy)),
      oneLine(/^images\.verifiers\[1\]\.key: .*not a public key/),
    );
    await assert.rejects(
      start(cosign(files.cosignPub, { signedIdentity: `${registry.host}/lab/x:1` })),
      oneLine(/^images\.verifiers\[1\]\.signedIdentity: .*without tag or digest/),
    );
    await assert.rejects(
      start(cosign(files.cosignPub, { caFile: files.cosignPub })),
      oneLine(/^images\.verifiers\[1\]\.caFile: .*not a certificate/),
    );
    await assert.rejects(
      start({ verifiers: [], verify: [{ images: [registry.host], verifier: 'release' }] }),
      oneLine(/^images\.verify\[0\]\.verifier: "release" is not available/),
    );
  });

  it('the schema refuses unknown types, missing files and duplicate names', () => {
    const parse = (verifiers: unknown[]) => () =>
      parseWebhookConfig({ images: { verifiers } }, 'webhook.yaml');
    assert.throws(parse([{ name: 'g', type: 'gpg' }]), /webhook\.yaml: images\.verifiers\[0\]\.type: /);
    assert.throws(
      parse([{ name: 'n', type: 'notation', trustPolicy: 'p.json' }]),
      /images\.verifiers\[0\]\.trustStore: /,
    );
    assert.throws(
      parse([{ name: 'c', type: 'cosign', key: 'k.pub', trustStore: 'x' }]),
      /images\.verifiers\[0\]: unknown key trustStore/,
    );
    assert.throws(
      parse([
        { name: 'c', type: 'cosign', key: 'k.pub' },
        { name: 'c', type: 'cosign', key: 'k.pub' },
      ]),
      /images\.verifiers\[1\]\.name: "c" is declared twice/,
    );
  });
});

describe('kubeward webhook serve', () => {
  it('builds the verifiers of its config file and verifies against the registry', async () => {
    let listening: (url: string) => void = () => undefined;
    const ready = new Promise<string>((resolve) => (listening = resolve));
    let stderr = '';
    const ctx: CliContext = {
      stdout: () => undefined,
      stderr: (t) => {
        stderr += t;
        const m = /listening on (https:\/\/\S+)/.exec(t);
        if (m?.[1]) listening(m[1]);
      },
      readStdin: async () => '',
      isTTY: false,
      cwd: dir,
      env: {},
      clock: systemClock,
      setExitCode: () => undefined,
    };
    let stop: (name: string) => void = () => undefined;
    const program = new Command('kubeward').exitOverride();
    registerWebhook(program, ctx, () => new Promise((resolve) => (stop = resolve)));
    const running = program.parseAsync(['webhook', 'serve', '--config', 'webhook.yaml'], { from: 'user' });
    const url = await Promise.race([ready, running.then(() => Promise.reject(new Error(stderr)))]);
    try {
      assert.equal((await validate(url, `${registry.host}/lab/signed:1`)).allowed, true);
      assert.equal((await validate(url, `${registry.host}/lab/unsigned:1`)).allowed, false);
    } finally {
      stop('SIGTERM');
      await running;
    }
  });

  it('exits 2 with the key path when a verifier file is missing', async () => {
    const broken = join(dir, 'broken.yaml');
    const config = webhookYaml();
    (config['images'] as { verifiers: { key?: string }[] }).verifiers[1] = {
      ...(config['images'] as { verifiers: Record<string, unknown>[] }).verifiers[1],
      key: join(dir, 'gone.pub'),
    };
    writeFileSync(broken, stringify(config));
    const run = await cli(['webhook', 'serve', '--config', broken]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /images\.verifiers\[1\]\.key: .*gone\.pub/);
  });
});
