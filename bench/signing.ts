// Verifying one Notation signature (JWS, EC P-256), next to the floor of one bare ECDSA verify of the same bytes.
import { verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock } from '../src/core/clock.js';
import { parseCertificates } from '../src/signing/certs.js';
import {
  createNotationSignature,
  loadPrivateKey,
  memoryTrustStore,
  parseJws,
  parseTrustPolicy,
  verifyNotation,
} from '../src/signing/notation/index.js';
import { makePki, policy } from '../test/signing/pki.js';
import type { Bench, BenchResult } from './types.js';

export const signingBench: Bench = {
  id: 'signing',
  description: 'Notation signature verification (integrity, chain, trust policy) vs one bare ECDSA verify',
  async run(): Promise<BenchResult[]> {
    const dir = mkdtempSync(join(tmpdir(), 'kubeward-bench-signing-'));
    try {
      const pki = makePki(dir);
      const clock = fixedClock(new Date(Date.now() + 60_000).toISOString());
      const digest = `sha256:${'a'.repeat(64)}`;
      const { envelope, mediaType } = createNotationSignature({
        target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest, size: 1 },
        key: loadPrivateKey(readFileSync(pki.ec.key), 'key'),
        chain: parseCertificates(readFileSync(pki.ec.chain), 'chain'),
        format: 'jws',
        clock,
      });
      const trustStore = memoryTrustStore({
        'ca:acme': parseCertificates(readFileSync(pki.rootCert), 'root'),
      });
      const doc = parseTrustPolicy(policy('strict'));
      const rounds = 200;
      let start = performance.now();
      for (let i = 0; i < rounds; i++) {
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
      }
      const full = (performance.now() - start) / rounds;
      const env = parseJws(envelope);
      const key = env.signerInfo.certificateChain[0]?.publicKey;
      if (!key) throw new Error('no key');
      start = performance.now();
      for (let i = 0; i < rounds; i++)
        verify('sha256', env.signingInput, { key, dsaEncoding: 'ieee-p1363' }, env.signature);
      const floor = (performance.now() - start) / rounds;
      return [
        {
          name: 'verify one Notation JWS signature (cold, no cache)',
          value: Number(full.toFixed(3)),
          unit: 'ms',
          floor: { name: 'one ECDSA P-256 verify', value: Number(floor.toFixed(3)) },
          ratio: Number((full / floor).toFixed(1)),
          note: 'the rest is chain signature checks (2 verifies), DER extension parsing and policy evaluation',
        },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
