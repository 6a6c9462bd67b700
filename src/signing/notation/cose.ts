/**
 * COSE_Sign1 envelope (signature-envelope-cose.md): tag 18 over [protected bstr, unprotected map, payload bstr,
 * signature bstr]. Protected: 1 alg, 2 crit, 3 content type, and the notary labels as text; signing time and
 * expiry are tag 1 (epoch seconds). Unprotected: 33 x5chain (array of DER), signing agent as text.
 */
import { X509Certificate } from 'node:crypto';
import { errorMessage } from '../../core/errors.js';
import { VerificationError } from '../errors.js';
import { ALGORITHMS, algorithmFromCose, signBytes } from './algorithms.js';
import { type CborMap, type CborValue, CborTag, decodeCbor, encodeCbor } from './cbor.js';
import {
  HEADER,
  MEDIA_TYPE_COSE,
  PAYLOAD_CONTENT_TYPE,
  type ParsedEnvelope,
  checkCritical,
  checkScheme,
} from './envelope.js';
import type { EnvelopeSignRequest } from './jws.js';

const MAX_ENVELOPE_BYTES = 4 * 1024 * 1024;
const LABEL = { alg: 1, crit: 2, contentType: 3, x5chain: 33 } as const;

function bytes(value: CborValue, what: string): Buffer {
  if (!(value instanceof Uint8Array)) throw new VerificationError(`COSE ${what} must be a byte string`);
  return Buffer.from(value);
}

function epochTime(value: CborValue, name: string): Date {
  if (!(value instanceof CborTag) || value.tag !== 1)
    throw new VerificationError(`"${name}" must be a tag 1 epoch time`);
  const v = value.value;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new VerificationError(`"${name}" is not a number`);
  return new Date(Math.floor(v) * 1000);
}

function decode(data: Uint8Array, what: string): CborValue {
  try {
    return decodeCbor(data);
  } catch (error) {
    throw new VerificationError(`COSE ${what}: ${errorMessage(error)}`, { cause: error });
  }
}

function sigStructure(protectedBytes: Buffer, payload: Buffer): Buffer {
  return encodeCbor(['Signature1', protectedBytes, new Uint8Array(0), payload]);
}

export function parseCose(data: Buffer): ParsedEnvelope {
  if (data.length > MAX_ENVELOPE_BYTES) throw new VerificationError('COSE envelope is too large');
  const top = decode(data, 'envelope');
  if (!(top instanceof CborTag) || top.tag !== 18)
    throw new VerificationError('not a tagged COSE_Sign1 message');
  const msg = top.value;
  if (!Array.isArray(msg) || msg.length !== 4)
    throw new VerificationError('COSE_Sign1 must be a 4-element array');
  const protectedBytes = bytes(msg[0], 'protected header');
  const unprotected = msg[1];
  if (!(unprotected instanceof Map)) throw new VerificationError('COSE unprotected header must be a map');
  if (msg[2] === null) throw new VerificationError('detached COSE payloads are not supported');
  const payload = bytes(msg[2], 'payload');
  const signature = bytes(msg[3], 'signature');
  const ph = decode(protectedBytes, 'protected header');
  if (!(ph instanceof Map)) throw new VerificationError('COSE protected header must be a map');
  for (const key of unprotected.keys())
    if (ph.has(key)) throw new VerificationError(`header ${String(key)} is both protected and unprotected`);
  const alg = algorithmFromCose(ph.get(LABEL.alg));
  if (!alg) throw new VerificationError(`unsupported COSE algorithm ${String(ph.get(LABEL.alg))}`);
  if (ph.get(LABEL.contentType) !== PAYLOAD_CONTENT_TYPE)
    throw new VerificationError(`content type must be ${PAYLOAD_CONTENT_TYPE}`);
  const crit = ph.get(LABEL.crit);
  if (!Array.isArray(crit) || !crit.every((c): c is string => typeof c === 'string'))
    throw new VerificationError('COSE crit must be a list of header names');
  checkCritical(crit, (name) => ph.has(name));
  const signingScheme = checkScheme(ph.get(HEADER.signingScheme));
  const timeName = signingScheme === 'notary.x509' ? HEADER.signingTime : HEADER.authenticSigningTime;
  const signingTime = epochTime(ph.get(timeName), timeName);
  const expiry = ph.has(HEADER.expiry) ? epochTime(ph.get(HEADER.expiry), HEADER.expiry) : undefined;
  const chainValue = (unprotected as CborMap).get(LABEL.x5chain);
  const chainList = chainValue instanceof Uint8Array ? [chainValue] : chainValue;
  if (!Array.isArray(chainList) || chainList.length === 0)
    throw new VerificationError('the certificate chain (x5chain) is missing');
  const certificateChain = chainList.map((entry, i) => {
    try {
      return new X509Certificate(bytes(entry, `x5chain[${i}]`));
    } catch (error) {
      if (error instanceof VerificationError) throw error;
      throw new VerificationError(`x5chain[${i}] is not a certificate`);
    }
  });
  const agent = (unprotected as CborMap).get(HEADER.signingAgent);
  const tsValue = (unprotected as CborMap).get(HEADER.timestampSignature);
  const timestampSignature = tsValue === undefined ? undefined : bytes(tsValue, HEADER.timestampSignature);
  return {
    mediaType: MEDIA_TYPE_COSE,
    payload,
    signingInput: sigStructure(protectedBytes, payload),
    signature,
    signerInfo: {
      algorithm: alg,
      signingScheme,
      signingTime,
      ...(expiry ? { expiry } : {}),
      contentType: PAYLOAD_CONTENT_TYPE,
      critical: crit,
      certificateChain,
      ...(typeof agent === 'string' ? { signingAgent: agent } : {}),
      hasTimestampSignature: timestampSignature !== undefined,
      ...(timestampSignature ? { timestampSignature } : {}),
    },
  };
}

export function signCose(req: EnvelopeSignRequest): Buffer {
  const crit: string[] = [HEADER.signingScheme];
  if (req.expiry) crit.push(HEADER.expiry);
  const ph: CborMap = new Map<number | string, CborValue>([
    [LABEL.alg, ALGORITHMS[req.algorithm].cose],
    [LABEL.crit, crit],
    [LABEL.contentType, PAYLOAD_CONTENT_TYPE],
    [HEADER.signingScheme, req.signingScheme ?? 'notary.x509'],
    [HEADER.signingTime, new CborTag(1, Math.floor(req.signingTime.getTime() / 1000))],
  ]);
  if (req.expiry) ph.set(HEADER.expiry, new CborTag(1, Math.floor(req.expiry.getTime() / 1000)));
  const protectedBytes = encodeCbor(ph);
  const signature = signBytes(req.algorithm, req.key, sigStructure(protectedBytes, req.payload));
  const unprotected: CborMap = new Map<number | string, CborValue>([
    [LABEL.x5chain, req.chain.map((c) => new Uint8Array(c.raw))],
    [HEADER.signingAgent, req.signingAgent],
  ]);
  return encodeCbor(new CborTag(18, [protectedBytes, unprotected, req.payload, signature]));
}
