// Verifying one Notation signature: in memory next to one bare ECDSA verify; from a real docker-registry cold
// (discover the referrers tag, fetch the signature manifest and envelope, verify) next to the floor of the same
// fetches with no verification; and through the webhook's digest-keyed verification cache (a hit).
import { verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { TtlCache, type VerificationResult } from '../src/admission/index.js';
import { fixedClock } from '../src/core/clock.js';
import { MEDIA, digestOf, parseReference } from '../src/image/index.js';
import { notationVerifier } from '../src/signing/admission-verifiers.js';
import { parseCertificates } from '../src/signing/certs.js';
import {
  createNotationSignature,
  discoverNotationSignatures,
  loadPrivateKey,
  memoryTrustStore,
  parseJws,
  parseTrustPolicy,
  resolveDescriptor,
  signImage,
  verifyNotation,
} from '../src/signing/notation/index.js';
import { RegistryWriter } from '../src/signing/registry-push.js';
import { startRegistry } from '../test/image/helpers/registry.js';
import { makePki, policy } from '../test/signing/pki.js';
import type { Bench, BenchResult } from './types.js';

const round3 = (n: number): number => Number(n.toFixed(3));

/** Mean milliseconds per call over `rounds`, after one warm-up call. */
async function timeIt(rounds: number, fn: () => Promise<unknown> | unknown): Promise<number> {
  await fn();
  const start = performance.now();
  for (let i = 0; i < rounds; i++) await fn();
  return (performance.now() - start) / rounds;
}

export const signingBench: Bench = {
  id: 'signing',
  description:
    'Notation verification: in memory vs one ECDSA verify; from the registry cold vs the same fetches; cache hit',
  async run(): Promise<BenchResult[]> {
    const dir = mkdtempSync(join(tmpdir(), 'kubeward-bench-signing-'));
    const registry = await startRegistry({ dir: join(dir, 'registry') });
    try {
      const pki = makePki(join(dir, 'pki'));
      const clock = fixedClock(new Date(Date.now() + 60_000).toISOString());
      const key = loadPrivateKey(readFileSync(pki.ec.key), 'key');
      const chain = parseCertificates(readFileSync(pki.ec.chain), 'chain');
      const trustStore = memoryTrustStore({
        'ca:acme': parseCertificates(readFileSync(pki.rootCert), 'root'),
      });
      const doc = parseTrustPolicy(policy('strict'));

      // 1. In memory: the verification pipeline alone.
      const digest = `sha256:${'a'.repeat(64)}`;
      const { envelope, mediaType } = createNotationSignature({
        target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 1 },
        key,
        chain,
        format: 'jws',
        clock,
      });
      const full = await timeIt(200, async () => {
        const o = await verifyNotation({
          envelope,
          envelopeMediaType: mediaType,
          repository: 'r.io/a',
          digest,
          policy: doc,
          trustStore,
          clock,
        });
        if (!o.accepted) throw new Error(o.reason);
      });
      const env = parseJws(envelope);
      const leafKey = env.signerInfo.certificateChain[0]?.publicKey;
      if (!leafKey) throw new Error('no key');
      const ecdsa = await timeIt(200, () =>
        verify('sha256', env.signingInput, { key: leafKey, dsaEncoding: 'ieee-p1363' }, env.signature),
      );

      // 2. From the registry: a small image signed and pushed through the referrers tag schema.
      const access = { insecure: true, dockerConfig: false as const };
      const ref = parseReference(`${registry.host}/bench/signed:1`);
      const writer = await RegistryWriter.create(ref, access);
      try {
        const layer = await writer.pushBlob(gzipSync(Buffer.from('bench layer')));
        const config = await writer.pushBlob(Buffer.from('{"architecture":"amd64","os":"linux"}'));
        const manifest = Buffer.from(
          JSON.stringify({
            schemaVersion: 2,
            mediaType: MEDIA.ociManifest,
            config: { mediaType: MEDIA.ociConfig, ...config },
            layers: [{ mediaType: MEDIA.ociLayerGzip, ...layer }],
          }),
        );
        await writer.pushManifest('1', manifest, MEDIA.ociManifest);
        if (digestOf(manifest) === '') throw new Error('no digest');
      } finally {
        await writer.close();
      }
      const signed = await signImage(ref, { key, chain, format: 'jws', clock, access });
      const image = { registry: ref.registry, repository: ref.repository, digest: signed.target.digest };
      const verifier = notationVerifier({ policy: doc, trustStore, clock, access: () => access });
      const signal = new AbortController().signal;
      const rounds = 30;
      const cold = await timeIt(rounds, async () => {
        const r = await verifier.verify(image, signal);
        if (!r.verified) throw new Error(r.reason);
      });
      // The same requests verifyImage makes (connection, manifest, referrers tag, signature manifest, envelope).
      const fetchFloor = await timeIt(rounds, async () => {
        const w = await RegistryWriter.create(ref, access);
        try {
          const target = await resolveDescriptor(w, { ...ref, digest: image.digest });
          if ((await discoverNotationSignatures(w, target.digest)).length !== 1)
            throw new Error('no signature');
        } finally {
          await w.close();
        }
      });

      // 3. The webhook's cache (src/admission/images.ts keys it by verifier and digest): every call after the first is a hit.
      const cache = new TtlCache<VerificationResult>(10_000);
      const cacheKey = `${verifier.name}|${image.registry}/${image.repository}@${image.digest}`;
      const hitRounds = 20_000;
      const cached = await timeIt(hitRounds, async () => {
        const { value } = await cache.getOrLoad(
          cacheKey,
          () => verifier.verify(image, signal),
          () => 300_000,
        );
        if (!value.verified) throw new Error(value.reason);
      });
      if (cache.stats.misses !== 1) throw new Error(`expected one miss, saw ${cache.stats.misses}`);

      return [
        {
          name: 'verify one Notation JWS signature in memory (no registry, no cache)',
          value: round3(full),
          unit: 'ms',
          floor: { name: 'one ECDSA P-256 verify', value: round3(ecdsa) },
          ratio: Number((full / ecdsa).toFixed(1)),
          note: 'the rest is chain signature checks (2 verifies), DER extension parsing and policy evaluation',
        },
        {
          name: 'verify one signed image from docker-registry, cold (referrers tag, manifests, envelope, verify)',
          value: round3(cold),
          unit: 'ms',
          floor: { name: 'the same registry requests with no verification', value: round3(fetchFloor) },
          ratio: Number((cold / fetchFloor).toFixed(2)),
          note: 'revocation: the test certificates name no OCSP/CRL endpoint, so no extra requests',
        },
        {
          name: 'verify the same image through the digest-keyed verification cache (hit)',
          value: round3(cached * 1000),
          unit: 'µs',
          floor: { name: 'one ECDSA P-256 verify', value: round3(ecdsa * 1000) },
          // Inverse ratio (floor / value): how many cache hits fit in one ECDSA verify.
          ratio: Number((ecdsa / cached).toFixed(0)),
          note: `ratio is floor/value; ${Math.round(cold / cached)}x faster than cold; a hit does no network and no crypto`,
        },
      ];
    } finally {
      await registry.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
