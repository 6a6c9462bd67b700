/** Signature algorithms the Notary Project allows, tied to key type and size (signature-specification.md). */
import { type KeyObject, X509Certificate, constants, sign, verify } from 'node:crypto';

export type NotaryAlgorithm = 'PS256' | 'PS384' | 'PS512' | 'ES256' | 'ES384' | 'ES512';

export const ALGORITHMS: Record<NotaryAlgorithm, { hash: string; bytes: number; cose: number }> = {
  PS256: { hash: 'sha256', bytes: 32, cose: -37 },
  PS384: { hash: 'sha384', bytes: 48, cose: -38 },
  PS512: { hash: 'sha512', bytes: 64, cose: -39 },
  ES256: { hash: 'sha256', bytes: 32, cose: -7 },
  ES384: { hash: 'sha384', bytes: 48, cose: -35 },
  ES512: { hash: 'sha512', bytes: 64, cose: -36 },
};

export function isNotaryAlgorithm(value: unknown): value is NotaryAlgorithm {
  return typeof value === 'string' && Object.hasOwn(ALGORITHMS, value);
}

export function algorithmFromCose(label: unknown): NotaryAlgorithm | undefined {
  return (Object.keys(ALGORITHMS) as NotaryAlgorithm[]).find((a) => ALGORITHMS[a].cose === label);
}

/** The one algorithm a key may use: RSA 2048/3072/4096 -> PS256/384/512, P-256/384/521 -> ES256/384/512. */
export function algorithmForKey(key: KeyObject | X509Certificate): NotaryAlgorithm | undefined {
  const k = key instanceof X509Certificate ? key.publicKey : key;
  const d = k.asymmetricKeyDetails ?? {};
  if (k.asymmetricKeyType === 'rsa') {
    return ({ 2048: 'PS256', 3072: 'PS384', 4096: 'PS512' } as const)[d.modulusLength as 2048] as
      NotaryAlgorithm | undefined;
  }
  if (k.asymmetricKeyType === 'ec') {
    return (
      { prime256v1: 'ES256', secp384r1: 'ES384', secp521r1: 'ES512' } as Record<string, NotaryAlgorithm>
    )[d.namedCurve ?? ''];
  }
  return undefined;
}

function keyOptions(alg: NotaryAlgorithm): {
  padding?: number;
  saltLength?: number;
  dsaEncoding?: 'ieee-p1363';
} {
  // RSASSA-PSS with salt length = hash length; ECDSA signatures are raw r||s in both JWS and COSE.
  return alg.startsWith('PS')
    ? { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: ALGORITHMS[alg].bytes }
    : { dsaEncoding: 'ieee-p1363' };
}

export function signBytes(alg: NotaryAlgorithm, key: KeyObject, data: Buffer): Buffer {
  return sign(ALGORITHMS[alg].hash, data, { key, ...keyOptions(alg) });
}

export function verifyBytes(alg: NotaryAlgorithm, key: KeyObject, data: Buffer, signature: Buffer): boolean {
  try {
    return verify(ALGORITHMS[alg].hash, data, { key, ...keyOptions(alg) }, signature);
  } catch {
    return false;
  }
}
