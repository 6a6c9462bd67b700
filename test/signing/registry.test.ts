// Against the real Debian docker-registry (no Referrers API): Notation push through the referrers tag schema,
// cosign-format signatures re-laid by skopeo, and GPG simple signing made by skopeo --sign-by.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { fixedClock } from '../../src/core/clock.js';
import { MEDIA, digestOf, parseReference } from '../../src/image/index.js';
import { parseCertificates } from '../../src/signing/certs.js';
import { loadPublicKey, verifyCosignImage, verifyGpgSignatures } from '../../src/signing/cosign/index.js';
import { cosignVerifier, notationVerifier } from '../../src/signing/admission-verifiers.js';
import {
  loadPrivateKey,
  openTrustStore,
  parseTrustPolicy,
  referrersTag,
  signImage,
  verifyImage,
} from '../../src/signing/notation/index.js';
import { RegistryWriter } from '../../src/signing/registry-push.js';
import { type RunningRegistry, startRegistry } from '../image/helpers/registry.js';
import { makeTar } from '../image/helpers/oci-builder.js';
import { pushCosignSignature } from '../helpers/cosign-sign.js';
import { type TestPki, makePki, policy } from './pki.js';

const run = promisify(execFile);
let dir: string;
let registry: RunningRegistry;
let pki: TestPki;
const access = { insecure: true, dockerConfig: false as const };

async function pushImage(repoTag: string, content: string): Promise<string> {
  const ref = parseReference(`${registry.host}/${repoTag}`);
  const writer = await RegistryWriter.create(ref, access);
  try {
    const layerTar = gzipSync(await makeTar([{ name: 'hello.txt', content }]));
    const diffId = digestOf(gunzip(layerTar));
    const layer = await writer.pushBlob(layerTar);
    const config = await writer.pushBlob(
      Buffer.from(
        JSON.stringify({
          architecture: 'amd64',
          os: 'linux',
          rootfs: { type: 'layers', diff_ids: [diffId] },
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

function gunzip(data: Buffer): Buffer {
  return execFileSync('gzip', ['-dc'], { input: data });
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kubeward-signing-reg-'));
  pki = makePki(join(dir, 'pki'));
  registry = await startRegistry({ dir: join(dir, 'registry') });
});
after(async () => {
  await registry.stop();
  rmSync(dir, { recursive: true, force: true });
});

const clock = () => fixedClock(new Date(Date.now() + 60_000).toISOString());
const trust = () => ({
  policy: parseTrustPolicy(policy('strict')),
  trustStore: openTrustStore(pki.trustStore),
});

describe('notation against docker-registry 2.8', () => {
  for (const format of ['jws', 'cose'] as const) {
    it(`${format}: sign pushes via the referrers tag, verify finds and accepts it`, async () => {
      const digest = await pushImage(`lab/notation-${format}:1`, `hello ${format}`);
      const ref = parseReference(`${registry.host}/lab/notation-${format}:1`);
      const signed = await signImage(ref, {
        key: loadPrivateKey(readFileSync(pki.ec.key), 'key'),
        chain: parseCertificates(readFileSync(pki.ec.chain), 'chain'),
        format,
        clock: clock(),
        expiresInMs: 86_400_000,
        access,
      });
      assert.equal(signed.via, 'referrers-tag');
      assert.equal(signed.target.digest, digest);
      const writer = await RegistryWriter.create(ref, access);
      const index = await writer.getManifest(referrersTag(digest));
      await writer.close();
      assert.ok(index);
      const entry = (
        JSON.parse(index.body.toString()) as { manifests: { artifactType: string; digest: string }[] }
      ).manifests[0];
      assert.equal(entry?.artifactType, 'application/vnd.cncf.notary.signature');
      const result = await verifyImage(ref, { ...trust(), clock: clock(), access });
      assert.equal(result.accepted, true, result.reason);
      assert.equal(result.signatures[0]?.via, 'referrers-tag');

      const verifier = notationVerifier({ ...trust(), clock: clock(), access: () => access });
      const verdict = await verifier.verify(
        { registry: ref.registry, repository: ref.repository, digest },
        new AbortController().signal,
      );
      assert.equal(verdict.verified, true);
    });
  }

  it('a different image under the same tag is not verified', async () => {
    await pushImage('lab/retag:1', 'first');
    const ref = parseReference(`${registry.host}/lab/retag:1`);
    await signImage(ref, {
      key: loadPrivateKey(readFileSync(pki.rsa.key), 'key'),
      chain: parseCertificates(readFileSync(pki.rsa.chain), 'chain'),
      format: 'jws',
      clock: clock(),
      access,
    });
    assert.equal((await verifyImage(ref, { ...trust(), clock: clock(), access })).accepted, true);
    await pushImage('lab/retag:1', 'second');
    const after = await verifyImage(ref, { ...trust(), clock: clock(), access });
    assert.equal(after.accepted, false);
    assert.match(after.reason ?? '', /no Notation signature found/);
  });
});

/** A cosign-format signature pushed to the test registry; the payload and signature are kept for openssl. */
async function cosignSign(
  repo: string,
  digest: string,
  keyPem: string,
  dockerReference: string,
): Promise<Buffer> {
  const { payload, signature } = await pushCosignSignature({
    registryHost: registry.host,
    repo,
    digest,
    keyPem,
    access,
    dockerReference,
  });
  writeFileSync(join(dir, 'cosign-payload.json'), payload);
  writeFileSync(join(dir, 'cosign-sig.der'), signature);
  return payload;
}

describe('cosign-format signatures', () => {
  it('hand-made signature verifies (and with openssl), survives skopeo copy, fails for a modified image', async () => {
    const keyFile = join(dir, 'cosign.key');
    const pubFile = join(dir, 'cosign.pub');
    execFileSync(
      'sh',
      [
        '-c',
        `openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out ${keyFile} && openssl ec -in ${keyFile} -pubout -out ${pubFile}`,
      ],
      { stdio: 'ignore' },
    );
    const digest = await pushImage('lab/cosigned:1', 'cosign me');
    await cosignSign('lab/cosigned', digest, readFileSync(keyFile, 'utf8'), `${registry.host}/lab/cosigned`);
    const openssl = execFileSync(
      'openssl',
      [
        'dgst',
        '-sha256',
        '-verify',
        pubFile,
        '-signature',
        join(dir, 'cosign-sig.der'),
        join(dir, 'cosign-payload.json'),
      ],
      { encoding: 'utf8' },
    );
    assert.match(openssl, /Verified OK/);
    const key = loadPublicKey(readFileSync(pubFile), pubFile);
    const original = await verifyCosignImage(parseReference(`${registry.host}/lab/cosigned:1`), {
      key,
      access,
    });
    assert.equal(original.accepted, true, original.reason);

    const regd = join(dir, 'regd');
    mkdirSync(regd, { recursive: true });
    writeFileSync(
      join(regd, 'lab.yaml'),
      `docker:\n  ${registry.host}:\n    use-sigstore-attachments: true\n`,
    );
    await run('skopeo', [
      '--registries.d',
      regd,
      'copy',
      '--quiet',
      '--src-tls-verify=false',
      '--dest-tls-verify=false',
      `docker://${registry.host}/lab/cosigned:1`,
      `docker://${registry.host}/lab/copied:1`,
    ]);
    const copyRef = parseReference(`${registry.host}/lab/copied:1`);
    const copyDefault = await verifyCosignImage(copyRef, { key, access });
    assert.equal(copyDefault.accepted, false);
    assert.equal(copyDefault.signatures[0]?.failure, 'policy');
    const copy = await verifyCosignImage(copyRef, {
      key,
      access,
      identity: { kind: 'exactRepository', repository: `${registry.host}/lab/cosigned` },
    });
    assert.equal(copy.accepted, true, copy.reason);
    assert.equal(copy.digest, digest);

    const verifier = cosignVerifier({ key, access: () => access });
    const ok = await verifier.verify(
      { registry: registry.host, repository: 'lab/cosigned', digest },
      new AbortController().signal,
    );
    assert.equal(ok.verified, true);

    await pushImage('lab/cosigned:1', 'modified');
    const modified = await verifyCosignImage(parseReference(`${registry.host}/lab/cosigned:1`), {
      key,
      access,
    });
    assert.equal(modified.accepted, false);
    assert.match(modified.reason ?? '', /no cosign signature/);
    const otherKeyFile = join(dir, 'other.pub');
    execFileSync(
      'sh',
      ['-c', `openssl ecparam -name prime256v1 -genkey -noout | openssl ec -pubout -out ${otherKeyFile}`],
      { stdio: 'ignore' },
    );
    const wrongKey = await verifyCosignImage(copyRef, {
      key: loadPublicKey(readFileSync(otherKeyFile), 'other'),
      access,
      identity: { kind: 'ignore' },
    });
    assert.equal(wrongKey.accepted, false);
    assert.equal(wrongKey.signatures[0]?.failure, 'verification');
  });
});

describe('GPG simple signing', () => {
  it('skopeo --sign-by signatures verify; another key fails', async () => {
    const home = join(dir, 'gnupg');
    mkdirSync(home, { recursive: true, mode: 0o700 });
    const env = { ...process.env, GNUPGHOME: home };
    try {
      execFileSync(
        'gpg',
        [
          '--batch',
          '--passphrase',
          '',
          '--quick-gen-key',
          'Lab <lab@example.invalid>',
          'ed25519',
          'sign',
          'never',
        ],
        { env, stdio: 'ignore' },
      );
      const fpr =
        /^fpr:+([0-9A-F]+):/m.exec(
          execFileSync('gpg', ['--list-keys', '--with-colons'], { env, encoding: 'utf8' }),
        )?.[1] ?? '';
      writeFileSync(join(dir, 'lab-gpg.pub'), execFileSync('gpg', ['--export', '--armor', fpr], { env }));
      const lookaside = join(dir, 'lookaside');
      const regd = join(dir, 'regd-gpg');
      mkdirSync(regd, { recursive: true });
      writeFileSync(
        join(regd, 'lab.yaml'),
        `docker:\n  ${registry.host}:\n    lookaside: file://${lookaside}\n    lookaside-staging: file://${lookaside}\n`,
      );
      await pushImage('lab/plain:1', 'gpg me');
      await run(
        'skopeo',
        [
          '--registries.d',
          regd,
          'copy',
          '--quiet',
          '--src-tls-verify=false',
          '--dest-tls-verify=false',
          '--sign-by',
          fpr,
          `docker://${registry.host}/lab/plain:1`,
          `docker://${registry.host}/lab/gpgsigned:1`,
        ],
        { env },
      );
      const writer = await RegistryWriter.create(parseReference(`${registry.host}/lab/gpgsigned:1`), access);
      const digest = (await writer.getManifest('1'))?.digest ?? '';
      await writer.close();
      const result = await verifyGpgSignatures({
        publicKeys: [join(dir, 'lab-gpg.pub')],
        lookaside,
        repository: `${registry.host}/lab/gpgsigned`,
        digest,
      });
      assert.equal(result.accepted, true, result.reason);
      assert.equal(result.signatures[0]?.fingerprint, fpr);

      const otherHome = join(dir, 'gnupg-other');
      mkdirSync(otherHome, { recursive: true, mode: 0o700 });
      const otherEnv = { ...process.env, GNUPGHOME: otherHome };
      execFileSync(
        'gpg',
        [
          '--batch',
          '--passphrase',
          '',
          '--quick-gen-key',
          'Other <o@example.invalid>',
          'ed25519',
          'sign',
          'never',
        ],
        { env: otherEnv, stdio: 'ignore' },
      );
      writeFileSync(
        join(dir, 'other-gpg.pub'),
        execFileSync('gpg', ['--export', '--armor'], { env: otherEnv }),
      );
      execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env: otherEnv });
      const wrong = await verifyGpgSignatures({
        publicKeys: [join(dir, 'other-gpg.pub')],
        lookaside,
        repository: `${registry.host}/lab/gpgsigned`,
        digest,
      });
      assert.equal(wrong.accepted, false);
      assert.match(wrong.reason ?? '', /invalid GPG signature/);
      const elsewhere = await verifyGpgSignatures({
        publicKeys: [join(dir, 'lab-gpg.pub')],
        lookaside,
        repository: `${registry.host}/lab/plain`,
        digest,
      });
      assert.equal(elsewhere.accepted, false);
    } finally {
      execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env });
    }
  });
});
