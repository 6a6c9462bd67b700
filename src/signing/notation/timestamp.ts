/**
 * The timestamp countersignature of a Notation envelope: an RFC 3161 token over the signature value, kept in
 * the unsigned header `io.cncf.notary.timestampSignature` (JWS: base64 in the unprotected header; COSE: a byte
 * string in the unprotected map). Adding it changes no signed byte, so the envelope's signature still holds.
 */
import { BaseError } from '../../core/errors.js';
import { type TimestampClientOptions, requestTimestamp } from '../timestamp/client.js';
import type { TimestampHash } from '../timestamp/token.js';
import { ALGORITHMS } from './algorithms.js';
import { type CborValue, CborTag, decodeCbor, encodeCbor } from './cbor.js';
import { HEADER, MEDIA_TYPE_COSE, MEDIA_TYPE_JWS } from './envelope.js';
import type { NotationSignature } from './sign.js';
import { parseEnvelope } from './verify.js';

export function embedTimestamp(signature: NotationSignature, token: Buffer): NotationSignature {
  if (signature.mediaType === MEDIA_TYPE_JWS) {
    const json = JSON.parse(signature.envelope.toString('utf8')) as { header: Record<string, unknown> };
    json.header[HEADER.timestampSignature] = token.toString('base64');
    return { ...signature, envelope: Buffer.from(JSON.stringify(json)) };
  }
  if (signature.mediaType === MEDIA_TYPE_COSE) {
    const top = decodeCbor(signature.envelope);
    const msg = top instanceof CborTag ? top.value : undefined;
    const unprotected = Array.isArray(msg) ? msg[1] : undefined;
    if (!Array.isArray(msg) || !(unprotected instanceof Map))
      throw new BaseError('INTERNAL', 'not a COSE_Sign1 envelope');
    unprotected.set(HEADER.timestampSignature, new Uint8Array(token));
    return { ...signature, envelope: encodeCbor(new CborTag(18, msg as CborValue)) };
  }
  throw new BaseError('INTERNAL', `cannot timestamp envelope type ${signature.mediaType}`);
}

/** Asks the TSA for a token over the signature value (hashed as the signature algorithm hashes) and embeds it. */
export async function timestampSignature(
  signature: NotationSignature,
  options: TimestampClientOptions,
): Promise<NotationSignature> {
  const parsed = parseEnvelope(signature.envelope, signature.mediaType);
  const hash = ALGORITHMS[parsed.signerInfo.algorithm].hash as TimestampHash;
  const ts = await requestTimestamp(parsed.signature, hash, options);
  return embedTimestamp(signature, ts.token.der);
}
