// RFC 3161 timestamp countersignatures with `openssl ts -reply` as the TSA: signing embeds the token, verification
// trusts it through the policy's tsa trust store and uses it as the authentic signing time, so a signature made
// while its certificate was valid still verifies after the certificate expired. Also end to end through
// `kubeward sign --timestamp-url` and `kubeward verify` against the real docker-registry.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../src/cli/run.js';
import { fixedClock } from '../../src/core/clock.js';
import { parseCertificates } from '../../src/signing/certs.js';
import {
  type NotationSignature,
  createNotationSignature,
  embedTimestamp,
  loadPrivateKey,
  openTrustStore,
  parseEnvelope,
  parseTrustPolicy,
  timestampSignature,
  verifyNotation,
} from '../../src/signing/notation/index.js';
import { parseTimestampToken } from '../../src/signing/timestamp/index.js';
import { type RunningRegistry, pushWithSkopeo, startRegistry } from '../image/helpers/registry.js';
import { testImages } from '../image/helpers/test-images.js';
import { type TestPki, makePki } from './pki.js';
import { type TestTsa, startTsa } from './helpers/tsa.js';
import { testContext } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'kubeward-timestamp-'));
const digest = `sha256:${'d'.repeat(64)}`;
const DAY = 86_400_000;
let pki: TestPki;
let tsa: TestTsa;
let otherTsa: TestTsa;
let trustStore = '';

function trustPolicy(level: string, stores = ['ca:acme', 'tsa:stamps']): unknown {
  return {
    version: '1.0',
    trustPolicies: [
      {
        name: 'stamped',
        registryScopes: ['*'],
        signatureVerification: { level },
        trustStores: stores,
        trustedIdentities: ['x509.subject: C=US, ST=WA, O=Kubeward Test'],
      },
    ],
  };
}

function signShortLived(format: 'jws' | 'cose'): NotationSignature {
  return createNotationSignature({
    target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 10 },
    key: loadPrivateKey(readFileSync(pki.shortLived.key), 'key'),
    chain: parseCertificates(readFileSync(pki.shortLived.chain), 'chain'),
    format,
    clock: fixedClock(new Date().toISOString()),
  });
}

const roots = () => parseCertificates(readFileSync(tsa.rootCert), 'tsa root');

async function verifyAt(sig: NotationSignature, at: Date, policyJson: unknown = trustPolicy('strict')) {
  return verifyNotation({
    envelope: sig.envelope,
    envelopeMediaType: sig.mediaType,
    repository: 'registry.example/app',
    digest,
    policy: parseTrustPolicy(policyJson),
    trustStore: openTrustStore(trustStore),
    clock: fixedClock(at.toISOString()),
  });
}

const resultOf = (o: Awaited<ReturnType<typeof verifyAt>>, check: string) =>
  o.results.find((r) => r.check === check);

before(async () => {
  pki = makePki(join(dir, 'pki'));
  tsa = await startTsa(join(dir, 'tsa'));
  otherTsa = await startTsa(join(dir, 'tsa-other'), 'Other TSA');
  trustStore = join(dir, 'truststore');
  cpSync(pki.trustStore, trustStore, { recursive: true });
  mkdirSync(join(trustStore, 'x509', 'tsa', 'stamps'), { recursive: true });
  cpSync(tsa.rootCert, join(trustStore, 'x509', 'tsa', 'stamps', 'root.pem'));
});
after(async () => {
  await tsa?.stop();
  await otherTsa?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('timestamp countersignature', () => {
  for (const format of ['jws', 'cose'] as const) {
    it(`${format}: the token is over the signature value, and the envelope still verifies`, async () => {
      const plain = signShortLived(format);
      const stamped = await timestampSignature(plain, { url: tsa.url, roots: roots() });
      const env = parseEnvelope(stamped.envelope, stamped.mediaType);
      assert.ok(env.signerInfo.timestampSignature);
      // openssl agrees that the token is a timestamp of exactly these signature bytes.
      const tokenFile = join(dir, `${format}.tst`);
      const dataFile = join(dir, `${format}.sig`);
      writeFileSync(tokenFile, env.signerInfo.timestampSignature);
      writeFileSync(dataFile, env.signature);
      const out = execFileSync(
        'openssl',
        ['ts', '-verify', '-token_in', '-in', tokenFile, '-data', dataFile, '-CAfile', tsa.rootCert],
        { encoding: 'utf8' },
      );
      assert.match(out, /Verification: OK/);
      const token = parseTimestampToken(env.signerInfo.timestampSignature);
      assert.ok(Math.abs(token.genTime.getTime() - Date.now()) < 60_000);
      const fresh = await verifyAt(stamped, new Date(Date.now() + 60_000));
      assert.equal(fresh.accepted, true, fresh.reason);
      assert.match(
        resultOf(fresh, 'authenticTimestamp')?.detail ?? '',
        /^trusted timestamp .* by ".*Kubeward Test TSA"/,
      );
    });
  }

  it('after the certificate expired: accepted with a trusted timestamp, rejected without one', async () => {
    const plain = signShortLived('jws');
    const stamped = await timestampSignature(plain, { url: tsa.url, roots: roots() });
    const later = new Date(Date.now() + 2 * DAY);
    const withTs = await verifyAt(stamped, later);
    assert.equal(withTs.accepted, true, withTs.reason);
    assert.equal(resultOf(withTs, 'authenticTimestamp')?.status, 'passed');
    const without = await verifyAt(plain, later);
    assert.equal(without.accepted, false);
    assert.match(
      without.reason ?? '',
      /^authenticTimestamp: certificate .*short-signer.* expired at .*no timestamp countersignature/,
    );
    // permissive only logs the timestamp check, as the spec's table says.
    const permissive = await verifyAt(plain, later, trustPolicy('permissive'));
    assert.equal(permissive.accepted, true);
  });

  it('a TSA the tsa trust store does not hold cannot vouch for an expired certificate', async () => {
    const plain = signShortLived('cose');
    const foreign = await timestampSignature(plain, {
      url: otherTsa.url,
      roots: parseCertificates(readFileSync(otherTsa.rootCert), 'other root'),
    });
    const o = await verifyAt(foreign, new Date(Date.now() + 2 * DAY));
    assert.equal(o.accepted, false);
    assert.match(o.reason ?? '', /does not lead to a certificate in the tsa trust store/);
  });

  it('a token taken from another signature is refused (messageImprint differs)', async () => {
    const donor = await timestampSignature(signShortLived('jws'), { url: tsa.url, roots: roots() });
    const token = parseEnvelope(donor.envelope, donor.mediaType).signerInfo.timestampSignature as Buffer;
    const grafted = embedTimestamp(signShortLived('jws'), token);
    const o = await verifyAt(grafted, new Date(Date.now() + 2 * DAY));
    assert.equal(o.accepted, false);
    assert.match(o.reason ?? '', /timestamp: the timestamp is not over this signature/);
  });

  it('without a tsa trust store in the policy the timestamp cannot rescue an expired chain', async () => {
    const stamped = await timestampSignature(signShortLived('jws'), { url: tsa.url, roots: roots() });
    const o = await verifyAt(stamped, new Date(Date.now() + 2 * DAY), trustPolicy('strict', ['ca:acme']));
    assert.equal(o.accepted, false);
    assert.match(o.reason ?? '', /policy lists no tsa trust store/);
  });

  it('verifyTimestamp afterCertExpiry: an unverifiable timestamp is ignored while the chain is valid', async () => {
    const foreign = await timestampSignature(signShortLived('jws'), {
      url: otherTsa.url,
      roots: parseCertificates(readFileSync(otherTsa.rootCert), 'other root'),
    });
    const lazy = trustPolicy('strict') as { trustPolicies: { signatureVerification: object }[] };
    const sv = lazy.trustPolicies[0] as { signatureVerification: object };
    sv.signatureVerification = { level: 'strict', verifyTimestamp: 'afterCertExpiry' };
    const now = await verifyAt(foreign, new Date(Date.now() + 60_000), lazy);
    assert.equal(now.accepted, true, now.reason);
    assert.match(resultOf(now, 'authenticTimestamp')?.detail ?? '', /afterCertExpiry/);
    const always = await verifyAt(foreign, new Date(Date.now() + 60_000));
    assert.equal(always.accepted, false);
    const expired = await verifyAt(foreign, new Date(Date.now() + 2 * DAY), lazy);
    assert.equal(expired.accepted, false);
  });

  it('signing refuses a token that does not chain to --timestamp-root-cert', async () => {
    await assert.rejects(
      timestampSignature(signShortLived('jws'), {
        url: otherTsa.url,
        roots: roots(),
      }),
      /timestamp authority .*does not lead to a certificate/,
    );
  });
});

describe('kubeward sign --timestamp-url against docker-registry', () => {
  let registry: RunningRegistry;
  before(async () => {
    registry = await startRegistry({ dir: join(dir, 'registry') });
    await pushWithSkopeo(`oci:${testImages().layout}:app`, registry, 'stamped/app:1');
  });
  after(async () => {
    await registry?.stop();
  });

  const kubeward = async (args: string[], at: Date) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(
      args,
      testContext({
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        cwd: dir,
        clock: fixedClock(at.toISOString()),
      }),
    );
    return { code, stdout, stderr };
  };

  it('signs with a timestamp; verify two days later (certificate expired) accepts it', async () => {
    const ref = `${registry.host}/stamped/app:1`;
    const signed = await kubeward(
      [
        'sign',
        ref,
        '--key',
        pki.shortLived.key,
        '--cert',
        pki.shortLived.chain,
        '--insecure',
        '--timestamp-url',
        tsa.url,
        '--timestamp-root-cert',
        tsa.rootCert,
      ],
      new Date(),
    );
    assert.equal(signed.code, 0, signed.stderr);
    writeFileSync(join(dir, 'stamped-policy.json'), JSON.stringify(trustPolicy('strict')));
    const verified = await kubeward(
      ['verify', ref, '--insecure', '--trust-policy', 'stamped-policy.json', '--trust-store', trustStore],
      new Date(Date.now() + 2 * DAY),
    );
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /authenticTimestamp passed +\[enforce\] trusted timestamp/);
    const half = await kubeward(
      ['sign', ref, '--key', pki.ec.key, '--cert', pki.ec.chain, '--timestamp-url', tsa.url],
      new Date(),
    );
    assert.equal(half.code, 2);
  });
});
