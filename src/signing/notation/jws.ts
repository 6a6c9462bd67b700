/**
 * JWS envelope (signature-envelope-jws.md): JSON serialization, flattened form
 * `{payload, protected, header: {x5c, io.cncf.notary.signingAgent}, signature}`; the protected header carries
 * alg, crit, cty, the signing scheme, the signing time and the optional expiry as RFC 3339 strings.
 */
import { type KeyObject, X509Certificate } from 'node:crypto';
import { VerificationError } from '../errors.js';
import { type NotaryAlgorithm, isNotaryAlgorithm, signBytes } from './algorithms.js';
import {
  HEADER,
  MEDIA_TYPE_JWS,
  PAYLOAD_CONTENT_TYPE,
  type ParsedEnvelope,
  type SigningScheme,
  checkCritical,
  checkScheme,
} from './envelope.js';

const MAX_ENVELOPE_BYTES = 4 * 1024 * 1024;
const B64URL = /^[A-Za-z0-9_-]*$/;

function b64url(text: unknown, what: string): Buffer {
  if (typeof text !== 'string' || !B64URL.test(text))
    throw new VerificationError(`JWS ${what} is not base64url`);
  return Buffer.from(text, 'base64url');
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new VerificationError(`JWS ${what} is not an object`);
  return value as Record<string, unknown>;
}

function rfc3339(value: unknown, name: string): Date {
  if (
    typeof value !== 'string' ||
    !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)
  )
    throw new VerificationError(`"${name}" is not an RFC 3339 time`);
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new VerificationError(`"${name}" is not a valid time`);
  return date;
}

export function parseJws(data: Buffer): ParsedEnvelope {
  if (data.length > MAX_ENVELOPE_BYTES) throw new VerificationError('JWS envelope is too large');
  let json: unknown;
  try {
    json = JSON.parse(data.toString('utf8'));
  } catch {
    throw new VerificationError('JWS envelope is not JSON');
  }
  const env = record(json, 'envelope');
  for (const key of Object.keys(env))
    if (!['payload', 'protected', 'header', 'signature'].includes(key))
      throw new VerificationError(`JWS envelope has an unexpected member "${key}"`);
  const protectedText = env['protected'];
  const payloadText = env['payload'];
  const payload = b64url(payloadText, 'payload');
  const protectedBytes = b64url(protectedText, 'protected header');
  const signature = b64url(env['signature'], 'signature');
  if (signature.length === 0) throw new VerificationError('JWS signature is empty');
  let headerJson: unknown;
  try {
    headerJson = JSON.parse(protectedBytes.toString('utf8'));
  } catch {
    throw new VerificationError('JWS protected header is not JSON');
  }
  const ph = record(headerJson, 'protected header');
  const alg = ph['alg'];
  if (!isNotaryAlgorithm(alg))
    throw new VerificationError(`unsupported JWS algorithm ${JSON.stringify(alg)}`);
  if (ph['cty'] !== PAYLOAD_CONTENT_TYPE)
    throw new VerificationError(
      `content type must be ${PAYLOAD_CONTENT_TYPE}, got ${JSON.stringify(ph['cty'])}`,
    );
  const crit = ph['crit'];
  if (!Array.isArray(crit) || !crit.every((c) => typeof c === 'string'))
    throw new VerificationError('JWS "crit" must be a list of header names');
  checkCritical(crit as string[], (name) => ph[name] !== undefined);
  const signingScheme = checkScheme(ph[HEADER.signingScheme]);
  const timeName = signingScheme === 'notary.x509' ? HEADER.signingTime : HEADER.authenticSigningTime;
  const signingTime = rfc3339(ph[timeName], timeName);
  const expiry = ph[HEADER.expiry] === undefined ? undefined : rfc3339(ph[HEADER.expiry], HEADER.expiry);
  const unprotected = record(env['header'] ?? {}, 'unprotected header');
  for (const key of Object.keys(unprotected))
    if (!['x5c', HEADER.signingAgent, HEADER.timestampSignature].includes(key))
      throw new VerificationError(`JWS unprotected header has an unexpected member "${key}"`);
  const x5c = unprotected['x5c'];
  if (!Array.isArray(x5c) || x5c.length === 0)
    throw new VerificationError('the certificate chain (x5c) is missing');
  const certificateChain = x5c.map((entry, i) => {
    if (typeof entry !== 'string' || !/^[A-Za-z0-9+/]+=*$/.test(entry))
      throw new VerificationError(`x5c[${i}] is not base64`);
    try {
      return new X509Certificate(Buffer.from(entry, 'base64'));
    } catch {
      throw new VerificationError(`x5c[${i}] is not a certificate`);
    }
  });
  const agent = unprotected[HEADER.signingAgent];
  const tsText = unprotected[HEADER.timestampSignature];
  if (tsText !== undefined && (typeof tsText !== 'string' || !/^[A-Za-z0-9+/]+=*$/.test(tsText)))
    throw new VerificationError(`"${HEADER.timestampSignature}" is not base64`);
  return {
    mediaType: MEDIA_TYPE_JWS,
    payload,
    signingInput: Buffer.from(`${protectedText as string}.${payloadText as string}`, 'ascii'),
    signature,
    signerInfo: {
      algorithm: alg,
      signingScheme,
      signingTime,
      ...(expiry ? { expiry } : {}),
      contentType: PAYLOAD_CONTENT_TYPE,
      critical: crit as string[],
      certificateChain,
      ...(typeof agent === 'string' ? { signingAgent: agent } : {}),
      hasTimestampSignature: tsText !== undefined,
      ...(typeof tsText === 'string' ? { timestampSignature: Buffer.from(tsText, 'base64') } : {}),
    },
  };
}

export interface EnvelopeSignRequest {
  payload: Buffer;
  algorithm: NotaryAlgorithm;
  key: KeyObject;
  chain: X509Certificate[];
  signingTime: Date;
  expiry?: Date;
  signingAgent: string;
  signingScheme?: SigningScheme;
}

/** RFC 3339 at second precision, as notation writes it. */
function timeText(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function signJws(req: EnvelopeSignRequest): Buffer {
  const crit: string[] = [HEADER.signingScheme];
  if (req.expiry) crit.push(HEADER.expiry);
  const header: Record<string, unknown> = {
    alg: req.algorithm,
    crit,
    cty: PAYLOAD_CONTENT_TYPE,
    [HEADER.signingScheme]: req.signingScheme ?? 'notary.x509',
    [HEADER.signingTime]: timeText(req.signingTime),
  };
  if (req.expiry) header[HEADER.expiry] = timeText(req.expiry);
  const protectedText = Buffer.from(JSON.stringify(header)).toString('base64url');
  const payloadText = req.payload.toString('base64url');
  const signature = signBytes(
    req.algorithm,
    req.key,
    Buffer.from(`${protectedText}.${payloadText}`, 'ascii'),
  );
  return Buffer.from(
    JSON.stringify({
      payload: payloadText,
      protected: protectedText,
      header: {
        x5c: req.chain.map((c) => c.raw.toString('base64')),
        [HEADER.signingAgent]: req.signingAgent,
      },
      signature: signature.toString('base64url'),
    }),
  );
}
