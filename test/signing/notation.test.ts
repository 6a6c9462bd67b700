import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '../../src/core/errors.js';
import { fixedClock } from '../../src/core/clock.js';
import { parseCertificates } from '../../src/signing/certs.js';
import { PolicyError, VerificationError } from '../../src/signing/errors.js';
import {
  CborTag,
  type SignatureFormat,
  assertAccepted,
  createNotationSignature,
  decodeCbor,
  encodeCbor,
  loadPrivateKey,
  openTrustStore,
  parseTrustPolicy,
  verifyNotation,
} from '../../src/signing/notation/index.js';
import { type TestPki, makePki, policy } from './pki.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const OTHER = `sha256:${'b'.repeat(64)}`;
const TARGET = { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: DIGEST, size: 1234 };
const REPO = 'registry.example/team/app';
let NOW: Date;
let LATER: Date;

let dir: string;
let pki: TestPki;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeward-notation-'));
  pki = makePki(dir);
  // After the certificates exist: openssl starts their validity at the current second.
  NOW = new Date(Date.now() + 60_000);
  LATER = new Date(NOW.getTime() + 3 * 86_400_000);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function sign(
  leaf: keyof Pick<TestPki, 'rsa' | 'ec' | 'shortLived' | 'untrusted' | 'serverAuth'>,
  format: SignatureFormat,
  expiresInMs?: number,
) {
  const l = pki[leaf];
  return createNotationSignature({
    target: TARGET,
    key: loadPrivateKey(readFileSync(l.key), l.key),
    chain: parseCertificates(readFileSync(l.chain), l.chain),
    format,
    clock: fixedClock(NOW.toISOString()),
    ...(expiresInMs !== undefined ? { expiresInMs } : {}),
  });
}

async function check(
  envelope: Buffer,
  mediaType: string,
  opts: { level?: string; digest?: string; at?: Date; extra?: Record<string, unknown> } = {},
) {
  return verifyNotation({
    envelope,
    envelopeMediaType: mediaType,
    repository: REPO,
    digest: opts.digest ?? DIGEST,
    policy: parseTrustPolicy(policy(opts.level ?? 'strict', opts.extra)),
    trustStore: openTrustStore(pki.trustStore),
    clock: fixedClock((opts.at ?? NOW).toISOString()),
  });
}

const status = (o: Awaited<ReturnType<typeof check>>, c: string) =>
  o.results.find((r) => r.check === c)?.status;

describe('notation sign then verify', () => {
  const cases = [
    { leaf: 'rsa', format: 'jws', alg: 'PS256' },
    { leaf: 'ec', format: 'jws', alg: 'ES256' },
    { leaf: 'rsa', format: 'cose', alg: 'PS256' },
    { leaf: 'ec', format: 'cose', alg: 'ES256' },
  ] as const;
  for (const c of cases) {
    it(`${c.format} ${c.alg} passes strict`, async () => {
      const { envelope, mediaType } = sign(c.leaf, c.format, 3_600_000);
      const outcome = await check(envelope, mediaType);
      assert.equal(outcome.accepted, true, outcome.reason);
      assert.equal(outcome.signer?.algorithm, c.alg);
      assert.deepEqual(
        outcome.results.map((r) => [r.check, r.status]),
        [
          ['integrity', 'passed'],
          ['authenticity', 'passed'],
          ['expiry', 'passed'],
          ['authenticTimestamp', 'passed'],
          ['revocation', 'passed'],
        ],
      );
      assert.doesNotThrow(() => assertAccepted(outcome));
    });

    it(`${c.format} ${c.alg}: another digest fails integrity`, async () => {
      const { envelope, mediaType } = sign(c.leaf, c.format);
      const outcome = await check(envelope, mediaType, { digest: OTHER });
      assert.equal(outcome.accepted, false);
      assert.equal(status(outcome, 'integrity'), 'failed');
      assert.throws(() => assertAccepted(outcome), VerificationError);
    });
  }

  it('a tampered JWS payload fails integrity', async () => {
    const { envelope, mediaType } = sign('ec', 'jws');
    const jws = JSON.parse(envelope.toString()) as { payload: string };
    jws.payload = Buffer.from(JSON.stringify({ targetArtifact: { ...TARGET, size: 1 } })).toString(
      'base64url',
    );
    const outcome = await check(Buffer.from(JSON.stringify(jws)), mediaType, { level: 'audit' });
    assert.equal(outcome.accepted, false);
    assert.match(outcome.reason ?? '', /integrity: the signature does not verify/);
  });

  it('a tampered COSE signature fails integrity', async () => {
    const { envelope, mediaType } = sign('rsa', 'cose');
    const bytes = Buffer.from(envelope);
    bytes[bytes.length - 5] = (bytes[bytes.length - 5] ?? 0) ^ 0xff;
    const outcome = await check(bytes, mediaType);
    assert.equal(status(outcome, 'integrity'), 'failed');
  });

  it('an expired signature: strict rejects, permissive logs and accepts', async () => {
    const { envelope, mediaType } = sign('ec', 'jws', 60_000);
    const at = new Date(NOW.getTime() + 120_000);
    const strict = await check(envelope, mediaType, { at });
    assert.equal(strict.accepted, false);
    assert.equal(status(strict, 'expiry'), 'failed');
    assert.throws(() => assertAccepted(strict), PolicyError);
    const permissive = await check(envelope, mediaType, { at, level: 'permissive' });
    assert.equal(permissive.accepted, true);
    assert.equal(status(permissive, 'expiry'), 'failed');
  });

  it('an expired certificate: strict rejects, audit logs and accepts, override can skip', async () => {
    for (const format of ['jws', 'cose'] as const) {
      const { envelope, mediaType } = sign('shortLived', format);
      const strict = await check(envelope, mediaType, { at: LATER });
      assert.equal(strict.accepted, false);
      assert.equal(status(strict, 'authenticTimestamp'), 'failed');
      assert.match(strict.reason ?? '', /expired at/);
      const audit = await check(envelope, mediaType, { at: LATER, level: 'audit' });
      assert.equal(audit.accepted, true);
      assert.equal(status(audit, 'authenticTimestamp'), 'failed');
      const overridden = await check(envelope, mediaType, {
        at: LATER,
        extra: { override: { authenticTimestamp: 'skip' } },
      });
      assert.equal(overridden.accepted, true);
      assert.equal(status(overridden, 'authenticTimestamp'), 'skipped');
    }
  });

  it('an untrusted root: strict and permissive reject, audit accepts', async () => {
    const { envelope, mediaType } = sign('untrusted', 'cose');
    for (const [level, accepted] of [
      ['strict', false],
      ['permissive', false],
      ['audit', true],
    ] as const) {
      const outcome = await check(envelope, mediaType, { level });
      assert.equal(outcome.accepted, accepted, level);
      assert.equal(status(outcome, 'authenticity'), 'failed');
    }
  });

  it('an untrusted identity fails authenticity', async () => {
    const { envelope, mediaType } = sign('ec', 'jws');
    const doc = policy('strict') as { trustPolicies: { trustedIdentities: string[] }[] };
    (doc.trustPolicies[0] as { trustedIdentities: string[] }).trustedIdentities = [
      'x509.subject: C=US, ST=WA, O=Someone Else',
    ];
    const outcome = await verifyNotation({
      envelope,
      envelopeMediaType: mediaType,
      repository: REPO,
      digest: DIGEST,
      policy: parseTrustPolicy(doc),
      trustStore: openTrustStore(pki.trustStore),
      clock: fixedClock(NOW.toISOString()),
    });
    assert.equal(outcome.accepted, false);
    assert.match(outcome.reason ?? '', /not among the trusted identities/);
  });

  it('a serverAuth leaf cannot sign', () => {
    assert.throws(
      () => sign('serverAuth', 'jws'),
      (e: unknown) => e instanceof ConfigError && /serverAuth/.test(e.message),
    );
  });

  it('skip level accepts without verifying', async () => {
    const doc = {
      version: '1.0',
      trustPolicies: [{ name: 's', registryScopes: ['*'], signatureVerification: { level: 'skip' } }],
    };
    const outcome = await verifyNotation({
      envelope: Buffer.from('garbage'),
      envelopeMediaType: 'application/jose+json',
      repository: REPO,
      digest: DIGEST,
      policy: parseTrustPolicy(doc),
      trustStore: openTrustStore(pki.trustStore),
      clock: fixedClock(NOW.toISOString()),
    });
    assert.equal(outcome.accepted, true);
  });
});

describe('independent checks with openssl', () => {
  it('JWS PS256 verifies with openssl dgst (PSS, salt = hash length)', () => {
    const { envelope } = sign('rsa', 'jws');
    const jws = JSON.parse(envelope.toString()) as { payload: string; protected: string; signature: string };
    writeFileSync(join(dir, 'input'), `${jws.protected}.${jws.payload}`);
    writeFileSync(join(dir, 'sig'), Buffer.from(jws.signature, 'base64url'));
    execFileSync('openssl', ['x509', '-in', pki.rsa.cert, '-pubkey', '-noout', '-out', join(dir, 'rsa.pub')]);
    const out = execFileSync(
      'openssl',
      [
        'dgst',
        '-sha256',
        '-sigopt',
        'rsa_padding_mode:pss',
        '-sigopt',
        'rsa_pss_saltlen:32',
        '-verify',
        join(dir, 'rsa.pub'),
        '-signature',
        join(dir, 'sig'),
        join(dir, 'input'),
      ],
      { encoding: 'utf8' },
    );
    assert.match(out, /Verified OK/);
  });

  it('COSE ES256 verifies with openssl over a hand-built Sig_structure', () => {
    const { envelope } = sign('ec', 'cose');
    const msg = decodeCbor(envelope) as CborTag;
    assert.equal(msg.tag, 18);
    const [prot, , payload, sig] = msg.value as Uint8Array[];
    const bstr = (b: Uint8Array): Buffer =>
      Buffer.concat([
        b.length < 24
          ? Buffer.from([0x40 + b.length])
          : b.length < 256
            ? Buffer.from([0x58, b.length])
            : Buffer.from([0x59, b.length >> 8, b.length & 255]),
        Buffer.from(b),
      ]);
    const toBeSigned = Buffer.concat([
      Buffer.from([0x84, 0x6a]),
      Buffer.from('Signature1'),
      bstr(prot as Uint8Array),
      Buffer.from([0x40]),
      bstr(payload as Uint8Array),
    ]);
    writeFileSync(join(dir, 'tbs'), toBeSigned);
    writeFileSync(join(dir, 'sig.der'), rawToDer(Buffer.from(sig as Uint8Array)));
    execFileSync('openssl', ['x509', '-in', pki.ec.cert, '-pubkey', '-noout', '-out', join(dir, 'ec.pub')]);
    const out = execFileSync(
      'openssl',
      [
        'dgst',
        '-sha256',
        '-verify',
        join(dir, 'ec.pub'),
        '-signature',
        join(dir, 'sig.der'),
        join(dir, 'tbs'),
      ],
      { encoding: 'utf8' },
    );
    assert.match(out, /Verified OK/);
    const ph = decodeCbor(prot as Uint8Array) as Map<unknown, unknown>;
    assert.equal(ph.get(1), -7);
    assert.equal(ph.get(3), 'application/vnd.cncf.notary.payload.v1+json');
    assert.ok(ph.get('io.cncf.notary.signingTime') instanceof CborTag);
  });
});

function rawToDer(raw: Buffer): Buffer {
  const int = (b: Buffer): Buffer => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    let v = b.subarray(i);
    if ((v[0] ?? 0) & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
    return Buffer.concat([Buffer.from([0x02, v.length]), v]);
  };
  const half = raw.length / 2;
  const body = Buffer.concat([int(raw.subarray(0, half)), int(raw.subarray(half))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

describe('CBOR limits', () => {
  const cases = [
    { name: 'indefinite length', bytes: [0x9f, 0x01, 0xff], error: /indefinite/ },
    { name: 'truncated byte string', bytes: [0x5a, 0xff, 0xff, 0xff, 0xff, 0x00], error: /truncated/ },
    { name: 'huge array count', bytes: [0x9b, 0, 0, 0, 1, 0, 0, 0, 0], error: /truncated/ },
    { name: 'duplicate map key', bytes: [0xa2, 0x01, 0x01, 0x01, 0x02], error: /duplicate/ },
    { name: 'trailing bytes', bytes: [0x01, 0x02], error: /trailing/ },
    { name: 'deep nesting', bytes: Array(40).fill(0x81).concat([0x01]), error: /nesting/ },
  ];
  for (const c of cases)
    it(`refuses ${c.name}`, () => assert.throws(() => decodeCbor(Buffer.from(c.bytes)), c.error));

  it('round-trips maps, tags and negative integers', () => {
    const value = new CborTag(18, [new Map<number | string, never>(), -37, 'x', new Uint8Array([1, 2])]);
    assert.deepEqual(decodeCbor(encodeCbor(value)), value);
  });
});

describe('trust policy validation', () => {
  const base = policy('strict') as { trustPolicies: Record<string, unknown>[] };
  const cases = [
    {
      name: 'integrity override',
      patch: { signatureVerification: { level: 'strict', override: { integrity: 'log' } } },
      error: /integrity cannot be overridden/,
    },
    { name: 'wildcard with other scopes', patch: { registryScopes: ['*', 'a.io/b'] }, error: /only scope/ },
    {
      name: 'identity without ST',
      patch: { trustedIdentities: ['x509.subject: C=US, O=Acme'] },
      error: /mandatory attribute ST/,
    },
    { name: 'bad store type', patch: { trustStores: ['root:acme'] }, error: /TYPE:NAME/ },
    { name: 'skip with stores', patch: { signatureVerification: { level: 'skip' } }, error: /must not list/ },
  ];
  for (const c of cases)
    it(`rejects ${c.name}`, () => {
      const doc = { ...base, trustPolicies: [{ ...base.trustPolicies[0], ...c.patch }] };
      assert.throws(
        () => parseTrustPolicy(doc),
        (e: unknown) => e instanceof ConfigError && c.error.test(e.message),
      );
    });
});
