/** The envelope model shared by JWS and COSE, and dispatch on the envelope media type. */
import type { X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { VerificationError } from '../errors.js';
import type { NotaryAlgorithm } from './algorithms.js';

export const MEDIA_TYPE_JWS = 'application/jose+json';
export const MEDIA_TYPE_COSE = 'application/cose';
export const PAYLOAD_CONTENT_TYPE = 'application/vnd.cncf.notary.payload.v1+json';
export const ARTIFACT_TYPE_SIGNATURE = 'application/vnd.cncf.notary.signature';
export const THUMBPRINT_ANNOTATION = 'io.cncf.notary.x509chain.thumbprint#S256';

export const HEADER = {
  signingScheme: 'io.cncf.notary.signingScheme',
  signingTime: 'io.cncf.notary.signingTime',
  authenticSigningTime: 'io.cncf.notary.authenticSigningTime',
  expiry: 'io.cncf.notary.expiry',
  signingAgent: 'io.cncf.notary.signingAgent',
  timestampSignature: 'io.cncf.notary.timestampSignature',
} as const;

export type SigningScheme = 'notary.x509' | 'notary.x509.signingAuthority';

export interface SignerInfo {
  algorithm: NotaryAlgorithm;
  signingScheme: SigningScheme;
  /** `signingTime` for notary.x509, `authenticSigningTime` for notary.x509.signingAuthority. */
  signingTime: Date;
  expiry?: Date;
  contentType: string;
  /** Headers the envelope marks critical. */
  critical: string[];
  /** Leaf first. */
  certificateChain: X509Certificate[];
  signingAgent?: string;
  hasTimestampSignature: boolean;
  /** The RFC 3161 time-stamp token (DER) countersigning the signature value, when present. */
  timestampSignature?: Buffer;
}

export interface ParsedEnvelope {
  mediaType: string;
  payload: Buffer;
  signerInfo: SignerInfo;
  /** Exactly the bytes the signature covers. */
  signingInput: Buffer;
  signature: Buffer;
}

const descriptorSchema = z.object({
  mediaType: z.string().min(1),
  digest: z.string().regex(/^sha(256:[a-f0-9]{64}|384:[a-f0-9]{96}|512:[a-f0-9]{128})$/),
  size: z.number().int().nonnegative(),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type TargetDescriptor = z.infer<typeof descriptorSchema>;

const payloadSchema = z.object({ targetArtifact: descriptorSchema });

export function parsePayload(payload: Buffer): TargetDescriptor {
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new VerificationError('the signed payload is not JSON');
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success)
    throw new VerificationError(
      `the signed payload has no valid targetArtifact: ${parsed.error.issues[0]?.message ?? ''}`,
    );
  return parsed.data.targetArtifact;
}

/** Header names this implementation understands; any other name in `crit` fails verification. */
export function checkCritical(critical: string[], present: (name: string) => boolean): void {
  const known = new Set<string>([HEADER.signingScheme, HEADER.expiry, HEADER.authenticSigningTime]);
  for (const name of critical) {
    if (!known.has(name)) throw new VerificationError(`unknown critical header "${name}"`);
    if (!present(name)) throw new VerificationError(`critical header "${name}" is listed but absent`);
  }
  if (!critical.includes(HEADER.signingScheme))
    throw new VerificationError(`"${HEADER.signingScheme}" must be marked critical`);
  for (const name of [HEADER.expiry, HEADER.authenticSigningTime])
    if (present(name) && !critical.includes(name))
      throw new VerificationError(`"${name}" is present but not marked critical`);
}

export function checkScheme(value: unknown): SigningScheme {
  if (value !== 'notary.x509' && value !== 'notary.x509.signingAuthority')
    throw new VerificationError(`unsupported signing scheme ${JSON.stringify(value)}`);
  return value;
}
