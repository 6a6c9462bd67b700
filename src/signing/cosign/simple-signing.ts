/**
 * The "simple signing" payload shared by cosign (`cosign container image signature`) and containers/image GPG
 * signatures (`atomic container signature`): `critical.image.docker-manifest-digest` must equal the image digest
 * and `critical.identity.docker-reference` must name the expected repository.
 */
import { parseReference } from '../../image/index.js';
import { VerificationError, PolicyError } from '../errors.js';

export type SimpleSigningType = 'cosign container image signature' | 'atomic container signature';

export interface SimpleSigningClaims {
  type: SimpleSigningType;
  dockerReference: string;
  manifestDigest: string;
  optional: Record<string, unknown> | null;
}

/** How the signed docker-reference must relate to the image being verified. */
export type IdentityRule =
  | { kind: 'matchRepository' }
  /** Accept signatures made for another repository (the image was copied). */
  | { kind: 'exactRepository'; repository: string }
  | { kind: 'ignore' };

export function parseSimpleSigning(payload: Buffer, expectedType: SimpleSigningType): SimpleSigningClaims {
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new VerificationError('the signed payload is not JSON');
  }
  const root = json as {
    critical?: {
      type?: unknown;
      identity?: { 'docker-reference'?: unknown };
      image?: { 'docker-manifest-digest'?: unknown };
    };
    optional?: unknown;
  };
  const critical = root.critical;
  if (typeof critical !== 'object' || critical === null)
    throw new VerificationError('the payload has no "critical" section');
  if (critical.type !== expectedType)
    throw new VerificationError(
      `payload type is ${JSON.stringify(critical.type)}, expected "${expectedType}"`,
    );
  const ref = critical.identity?.['docker-reference'];
  const digest = critical.image?.['docker-manifest-digest'];
  if (typeof ref !== 'string' || typeof digest !== 'string')
    throw new VerificationError('the payload lacks docker-reference or docker-manifest-digest');
  const optional =
    typeof root.optional === 'object' ? (root.optional as Record<string, unknown> | null) : null;
  return { type: expectedType, dockerReference: ref, manifestDigest: digest, optional };
}

/** Digest first (a bad or foreign signature), then identity (a signature for another repository). */
export function checkClaims(
  claims: SimpleSigningClaims,
  repository: string,
  digest: string,
  rule: IdentityRule,
): void {
  if (claims.manifestDigest !== digest)
    throw new VerificationError(`the signature is for ${claims.manifestDigest}, not for the image ${digest}`);
  if (rule.kind === 'ignore') return;
  let signed: string;
  try {
    const parsed = parseReference(claims.dockerReference);
    signed = `${parsed.registry}/${parsed.repository}`;
  } catch {
    throw new VerificationError(
      `signed docker-reference "${claims.dockerReference}" is not a valid reference`,
    );
  }
  const wanted = rule.kind === 'exactRepository' ? rule.repository : repository;
  if (signed !== wanted)
    throw new PolicyError(`the signature names repository ${signed}, expected ${wanted}`);
}
