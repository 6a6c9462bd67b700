/**
 * Trusting a time-stamp countersignature (trust-store-trust-policy.md, "Validate Trusted Timestamp"): the token
 * must be over this signature's bytes, signed by a TSA certificate that chains (through certificates in the
 * token) to a root in the policy's `tsa` trust stores and was valid at the stamped time. The result is the
 * time range [genTime - accuracy, genTime + accuracy] that the signing chain must have been valid in.
 */
import { type X509Certificate, createHash } from 'node:crypto';
import { subjectOf } from '../certs.js';
import { issuerOf } from '../revocation/asn1.js';
import { type TimestampToken, parseTimestampToken } from './token.js';

export interface TrustedTimestamp {
  genTime: Date;
  lower: Date;
  upper: Date;
  /** TSA signer first, up to the trusted root. */
  chain: X509Certificate[];
  token: TimestampToken;
}

export class TimestampError extends Error {}

function validAt(cert: X509Certificate, at: Date): boolean {
  return at >= new Date(cert.validFrom) && at <= new Date(cert.validTo);
}

/**
 * Verifies `tokenDer` as the countersignature of `signature`. Throws TimestampError (one line) when it is not
 * a trusted timestamp of these bytes.
 */
export function verifyTimestampToken(
  tokenDer: Buffer,
  signature: Buffer,
  roots: readonly X509Certificate[],
): TrustedTimestamp {
  let token: TimestampToken;
  try {
    token = parseTimestampToken(tokenDer);
  } catch (error) {
    throw new TimestampError((error as Error).message);
  }
  const digest = createHash(token.imprint.hash).update(signature).digest();
  if (!digest.equals(token.imprint.digest))
    throw new TimestampError('the timestamp is not over this signature (messageImprint differs)');
  const lower = new Date(token.genTime.getTime() - token.accuracyMs);
  const upper = new Date(token.genTime.getTime() + token.accuracyMs);
  // Walk up from the TSA signer through the token's certificates until a trusted root is reached.
  const chain: X509Certificate[] = [token.signer];
  for (let depth = 0; depth < 10; depth++) {
    const current = chain[chain.length - 1] as X509Certificate;
    if (!validAt(current, token.genTime))
      throw new TimestampError(
        `TSA certificate "${subjectOf(current)}" was not valid at the stamped time ${token.genTime.toISOString()}`,
      );
    const trusted = roots.find((r) => r.raw.equals(current.raw));
    if (trusted) return { genTime: token.genTime, lower, upper, chain, token };
    const parent =
      issuerOf(current, roots) ??
      issuerOf(
        current,
        token.certificates.filter((c) => c !== current),
      );
    if (!parent || chain.some((c) => c.raw.equals(parent.raw))) break;
    chain.push(parent);
  }
  throw new TimestampError(
    `the TSA certificate "${subjectOf(token.signer)}" does not lead to a certificate in the tsa trust store`,
  );
}

/** Is the whole range inside every certificate's validity? (The spec's check for the signing chain.) */
export function chainValidThroughout(
  chain: readonly X509Certificate[],
  ts: TrustedTimestamp,
): string | undefined {
  for (const cert of chain)
    if (!validAt(cert, ts.lower) || !validAt(cert, ts.upper))
      return `certificate "${subjectOf(cert)}" was not valid at the timestamp ${ts.genTime.toISOString()} (valid ${new Date(cert.validFrom).toISOString()} to ${new Date(cert.validTo).toISOString()})`;
  return undefined;
}
