// Revocation as the Notary Project trust policy defines it, against real third-party answers on 127.0.0.1:
// `openssl ocsp` as the OCSP responder and CRLs made by `openssl ca -gencrl`, served over HTTP. Certificates are
// issued by `openssl ca` with the responder and distribution point URLs in AIA and CDP.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../src/cli/run.js';
import { fixedClock } from '../../src/core/clock.js';
import { InputError } from '../../src/core/errors.js';
import { parseCertificates } from '../../src/signing/certs.js';
import {
  createNotationSignature,
  loadPrivateKey,
  openTrustStore,
  parseTrustPolicy,
  verifyNotation,
} from '../../src/signing/notation/index.js';
import {
  type RevocationOptions,
  crlCovers,
  loadCrlFiles,
  parseCrl,
  revocationChecker,
  revocationEndpointsOf,
} from '../../src/signing/revocation/index.js';
import { makePki, policy } from './pki.js';
import { type RevocationCa, type RevocationLeaf, startRevocationCa } from './helpers/revocation-ca.js';
import { testContext } from '../cli/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'kubeward-revocation-'));
const digest = `sha256:${'c'.repeat(64)}`;
const now = () => new Date(Date.now() + 60_000);
let ca: RevocationCa;
let silent: Server;
let silentUrl = '';

const chainOf = (leaf: RevocationLeaf): X509Certificate[] =>
  parseCertificates(readFileSync(leaf.chain), 'chain');

function sign(leaf: RevocationLeaf): Buffer {
  return createNotationSignature({
    target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 10 },
    key: loadPrivateKey(readFileSync(leaf.key), 'key'),
    chain: chainOf(leaf),
    format: 'jws',
    clock: fixedClock(now().toISOString()),
  }).envelope;
}

async function verify(leaf: RevocationLeaf, level: string, options: RevocationOptions = {}, at = now()) {
  return verifyNotation({
    envelope: sign(leaf),
    envelopeMediaType: 'application/jose+json',
    repository: 'registry.example/app',
    digest,
    policy: parseTrustPolicy(policy(level)),
    trustStore: openTrustStore(ca.trustStore),
    clock: fixedClock(at.toISOString()),
    revocation: revocationChecker(options),
  });
}

const revocationResult = (o: Awaited<ReturnType<typeof verify>>) =>
  o.results.find((r) => r.check === 'revocation');

before(async () => {
  ca = await startRevocationCa(join(dir, 'ca'));
  // A server that accepts and never answers: the time thresholds must cut it off.
  silent = createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/`;
});
after(async () => {
  await ca?.stop();
  silent?.closeAllConnections();
  await new Promise<void>((resolve) => silent?.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe('revocation endpoints', () => {
  it('reads the OCSP URL from AIA and the CRL URL from CDP', () => {
    const leaf = ca.issue('endpoints', { ocsp: ca.ocspUrl, crl: ca.crlUrl });
    assert.deepEqual(revocationEndpointsOf(new X509Certificate(readFileSync(leaf.cert))), {
      ocsp: [ca.ocspUrl],
      crl: [ca.crlUrl],
    });
  });
});

describe('OCSP (openssl ocsp responder)', () => {
  it('a good certificate passes strict verification, decided by OCSP', async () => {
    const leaf = ca.issue('ocsp-good', { ocsp: ca.ocspUrl, crl: ca.crlUrl });
    const before = ca.crlRequests();
    const o = await verify(leaf, 'strict');
    assert.equal(o.accepted, true, o.reason);
    assert.equal(revocationResult(o)?.status, 'passed');
    assert.equal(o.revocation?.result, 'ok');
    assert.match(o.revocation?.certificates[1]?.via ?? '', /^ocsp http:\/\/127\.0\.0\.1/);
    assert.equal(ca.crlRequests(), before, 'OCSP answered, so no CRL was fetched');
  });

  it('a revoked certificate fails strict and is only logged by permissive', async () => {
    const leaf = ca.issue('ocsp-revoked', { ocsp: ca.ocspUrl });
    ca.revoke(leaf, 'keyCompromise');
    const strict = await verify(leaf, 'strict');
    assert.equal(strict.accepted, false);
    assert.equal(strict.revocation?.result, 'revoked');
    assert.match(
      strict.reason ?? '',
      /^revocation: .*CN=ocsp-revoked.* is revoked: OCSP: revoked at .*keyCompromise/,
    );
    const permissive = await verify(leaf, 'permissive');
    assert.equal(permissive.accepted, true);
    assert.deepEqual(
      [revocationResult(permissive)?.status, revocationResult(permissive)?.action],
      ['failed', 'log'],
    );
  });

  it('a delegated responder the CA issued for OCSP signing is trusted', async () => {
    const url = await ca.startResponder('delegated', await ca.freePort());
    const good = ca.issue('delegated-good', { ocsp: url });
    const bad = ca.issue('delegated-bad', { ocsp: url });
    ca.revoke(bad);
    const check = revocationChecker();
    const ok = await check(chainOf(good), { now: now() });
    assert.equal(ok.result, 'ok', ok.detail);
    assert.match(ok.certificates[1]?.detail ?? '', /signed by delegated responder ".*CN=responder-delegated/);
    // The extension says the responder certificate itself needs no revocation check.
    assert.doesNotMatch(ok.certificates[1]?.detail ?? '', /not checked/);
    const revoked = await check(chainOf(bad), { now: now() });
    assert.equal(revoked.result, 'revoked');
  });

  it('a responder the CA never authorised is not believed; the CRL decides instead', async () => {
    const url = await ca.startResponder('rogue', await ca.freePort());
    const leaf = ca.issue('rogue-answered', { ocsp: url, crl: ca.crlUrl });
    ca.revoke(leaf);
    const o = await revocationChecker()(chainOf(leaf), { now: now() });
    assert.equal(o.result, 'revoked');
    assert.match(o.certificates[1]?.via ?? '', /^crl /);
    const ocspOnly = ca.issue('rogue-only', { ocsp: url });
    const unknown = await revocationChecker()(chainOf(ocspOnly), { now: now() });
    assert.equal(unknown.result, 'unknown');
    assert.match(unknown.detail, /not signed by the issuing CA or a responder it authorised/);
  });

  it('an OCSP answer past its nextUpdate is not used; an expired CRL cannot clear either: unknown', async () => {
    const leaf = ca.issue('stale', { ocsp: ca.ocspUrl, crl: ca.crlUrl });
    const later = new Date(Date.now() + 3 * 86_400_000);
    const o = await revocationChecker()(chainOf(leaf), { now: later });
    assert.equal(o.result, 'unknown');
    assert.match(o.detail, /OCSP .*expired at/);
    assert.match(o.detail, /CRL .* expired at/);
  });
});

describe('CRL (openssl ca -gencrl over HTTP)', () => {
  it('a certificate with only a CDP is checked against the CRL: good, then revoked', async () => {
    const leaf = ca.issue('crl-only', { crl: ca.crlUrl });
    const good = await verify(leaf, 'strict');
    assert.equal(good.accepted, true, good.reason);
    assert.match(good.revocation?.certificates[1]?.detail ?? '', /not listed in CRL/);
    ca.revoke(leaf, 'superseded');
    const revoked = await verify(leaf, 'strict');
    assert.equal(revoked.accepted, false);
    assert.match(revoked.reason ?? '', /revoked at .*\(superseded\) per CRL http/);
  });

  it('falls back to the CRL when the OCSP responder is down', async () => {
    const leaf = ca.issue('fallback', { ocsp: ca.deadUrl, crl: ca.crlUrl });
    const o = await verify(leaf, 'strict');
    assert.equal(o.accepted, true, o.reason);
    assert.match(o.revocation?.certificates[1]?.via ?? '', /^crl http/);
  });

  it('a CRL whose signature was altered is not taken as covering the issuer', () => {
    const der = Buffer.from(readFileSync(ca.crlFile));
    const issuer = new X509Certificate(readFileSync(ca.rootCert));
    assert.equal(crlCovers(parseCrl(der, 'good.crl'), issuer), true);
    der[der.length - 5] = (der[der.length - 5] ?? 0) ^ 0xff;
    assert.equal(crlCovers(parseCrl(der, 'tampered.crl'), issuer), false);
    const other = new X509Certificate(readFileSync(makePki(join(dir, 'other')).rootCert));
    assert.equal(crlCovers(parseCrl(readFileSync(ca.crlFile), 'good.crl'), other), false);
  });
});

describe('revocation unavailable', () => {
  it('unreachable endpoints: unknown, which fails strict and is logged by permissive', async () => {
    const leaf = ca.issue('unreachable', { ocsp: ca.deadUrl, crl: `${ca.deadUrl}x.crl` });
    const strict = await verify(leaf, 'strict');
    assert.equal(strict.accepted, false);
    assert.equal(revocationResult(strict)?.status, 'unavailable');
    assert.match(strict.reason ?? '', /revocation status of .*CN=unreachable.* unknown: OCSP .*; CRL /);
    const permissive = await verify(leaf, 'permissive');
    assert.equal(permissive.accepted, true);
    assert.equal(revocationResult(permissive)?.status, 'unavailable');
  });

  it('a responder that never answers is cut off by the per-request threshold and the budget', async () => {
    const leaf = ca.issue('silent', { ocsp: silentUrl, crl: `${silentUrl}root.crl` });
    let started = Date.now();
    const o = await revocationChecker({ ocspTimeoutMs: 300, crlTimeoutMs: 300 })(chainOf(leaf), {
      now: now(),
    });
    assert.equal(o.result, 'unknown');
    assert.match(o.detail, /no answer within 300 ms/);
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
    started = Date.now();
    const budgeted = await revocationChecker({ budgetMs: 250 })(chainOf(leaf), { now: now() });
    assert.equal(budgeted.result, 'unknown');
    assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
  });

  it('a chain that does not lead to the trust store is never revocation-checked (no requests)', async () => {
    const leaf = ca.issue('untrusted-check', { ocsp: ca.ocspUrl, crl: ca.crlUrl });
    const before = ca.crlRequests();
    const o = await verifyNotation({
      envelope: sign(leaf),
      envelopeMediaType: 'application/jose+json',
      repository: 'registry.example/app',
      digest,
      policy: parseTrustPolicy(policy('audit')),
      trustStore: openTrustStore(makePki(join(dir, 'elsewhere')).trustStore),
      clock: fixedClock(now().toISOString()),
      revocation: revocationChecker({ ocspTimeoutMs: 100 }),
    });
    assert.equal(revocationResult(o)?.status, 'skipped');
    assert.equal(ca.crlRequests(), before);
  });
});

describe('offline (air-gapped) revocation', () => {
  it('--crl files decide without any network request', async () => {
    const good = ca.issue('offline-good', { ocsp: ca.ocspUrl, crl: ca.crlUrl });
    const bad = ca.issue('offline-bad', { ocsp: ca.ocspUrl, crl: ca.crlUrl });
    ca.revoke(bad, 'cessationOfOperation');
    ca.setCrlAvailable(false);
    try {
      const before = ca.crlRequests();
      const crls = await loadCrlFiles([ca.crlFile]);
      const ok = await verify(good, 'strict', { online: false, crls });
      assert.equal(ok.accepted, true, ok.reason);
      const revoked = await verify(bad, 'strict', { online: false, crls });
      assert.equal(revoked.accepted, false);
      assert.match(revoked.reason ?? '', /cessationOfOperation/);
      assert.equal(ca.crlRequests(), before);
      const none = await verify(good, 'strict', { online: false });
      assert.equal(none.accepted, false);
      assert.match(none.reason ?? '', /offline and no CRL for its issuer was supplied/);
    } finally {
      ca.setCrlAvailable(true);
    }
  });

  it('downloaded CRLs land in the cache directory and serve later offline runs', async () => {
    const cacheDir = join(dir, 'crl-cache');
    const leaf = ca.issue('cached', { crl: ca.crlUrl });
    const online = await verify(leaf, 'strict', { cacheDir });
    assert.equal(online.accepted, true, online.reason);
    assert.equal(readdirSync(cacheDir).filter((f) => f.endsWith('.crl')).length, 1);
    ca.setCrlAvailable(false);
    try {
      const offline = await verify(leaf, 'strict', { online: false, cacheDir });
      assert.equal(offline.accepted, true, offline.reason);
      assert.match(offline.revocation?.certificates[1]?.via ?? '', /crl .*crl-cache/);
    } finally {
      ca.setCrlAvailable(true);
    }
  });

  it('a file that is not a CRL is an InputError naming it', async () => {
    const bogus = join(dir, 'bogus.crl');
    writeFileSync(bogus, 'not a crl');
    await assert.rejects(
      loadCrlFiles([bogus]),
      (e: unknown) => e instanceof InputError && e.message.includes(bogus),
    );
  });
});

describe('kubeward verify --envelope with revocation flags', () => {
  const run = async (args: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(
      args,
      testContext({
        stdout: (t) => (stdout += t),
        stderr: (t) => (stderr += t),
        cwd: dir,
        clock: fixedClock(now().toISOString()),
      }),
    );
    return { code, stdout, stderr };
  };

  it('revoked: exit 1 with the certificate named; --offline --crl decides the same; bad --crl is exit 3', async () => {
    const leaf = ca.issue('cli-revoked', { ocsp: ca.ocspUrl, crl: ca.crlUrl });
    ca.revoke(leaf);
    writeFileSync(join(dir, 'cli.jws'), sign(leaf));
    writeFileSync(join(dir, 'policy.json'), JSON.stringify(policy('strict')));
    const base = [
      'verify',
      '--envelope',
      'cli.jws',
      '--media-type',
      'application/jose+json',
      '--artifact',
      `registry.example/app@${digest}`,
      '--trust-policy',
      'policy.json',
      '--trust-store',
      ca.trustStore,
    ];
    const online = await run(base);
    assert.equal(online.code, 1, online.stderr);
    assert.match(online.stdout, /revocation +failed +\[enforce\] .*CN=cli-revoked.* is revoked/);
    assert.match(online.stdout, /revoked +C=US, ST=WA, O=Kubeward Test, CN=cli-revoked: OCSP: revoked/);
    const offline = await run([...base, '--offline', '--crl', ca.crlFile, '--format', 'json']);
    assert.equal(offline.code, 1, offline.stderr);
    const json = JSON.parse(offline.stdout) as {
      revocation: { result: string; certificates: { via?: string }[] };
    };
    assert.equal(json.revocation.result, 'revoked');
    assert.equal(json.revocation.certificates[1]?.via, `crl ${ca.crlFile}`);
    const bad = await run([...base, '--offline', '--crl', 'policy.json']);
    assert.equal(bad.code, 3);
    assert.match(bad.stderr, /policy\.json: not a CRL/);
  });
});
