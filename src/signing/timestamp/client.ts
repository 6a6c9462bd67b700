/** Asking an RFC 3161 TSA over HTTP for a time-stamp token, and checking the answer before it is embedded. */
import type { X509Certificate } from 'node:crypto';
import { RemoteError, errorMessage } from '../../core/errors.js';
import { FetchFailure, fetchBounded } from '../revocation/http.js';
import { type TimestampHash, parseTimestampResponse, timestampRequest } from './token.js';
import { TimestampError, type TrustedTimestamp, verifyTimestampToken } from './verify.js';

const MAX_RESPONSE_BYTES = 256 * 1024;

export interface TimestampClientOptions {
  url: string;
  /** Roots the token must chain to (`--timestamp-root-cert`), as notation checks at signing time. */
  roots: readonly X509Certificate[];
  timeoutMs?: number;
}

/** A verified token over `signature`; a TSA that cannot be reached or answers badly is a RemoteError. */
export async function requestTimestamp(
  signature: Buffer,
  hash: TimestampHash,
  options: TimestampClientOptions,
): Promise<TrustedTimestamp> {
  const request = timestampRequest(signature, hash);
  let tokenDer: Buffer;
  try {
    const answer = await fetchBounded(
      options.url,
      {
        method: 'POST',
        body: request.der,
        contentType: 'application/timestamp-query',
        accept: 'application/timestamp-reply',
      },
      { timeoutMs: options.timeoutMs ?? 10_000, maxBytes: MAX_RESPONSE_BYTES },
    );
    if (looksLikeHtml(answer))
      throw new FetchFailure(
        `${options.url}: answered an HTML page, not a time-stamp response (is this the TSA's RFC 3161 endpoint?)`,
      );
    tokenDer = parseTimestampResponse(answer);
  } catch (error) {
    const message = error instanceof FetchFailure ? error.message : `${options.url}: ${errorMessage(error)}`;
    throw new RemoteError(`timestamp authority: ${message}`, { cause: error });
  }
  try {
    const ts = verifyTimestampToken(tokenDer, signature, options.roots);
    if (!ts.token.nonce?.equals(request.nonce))
      throw new TimestampError('the token does not carry the nonce of the request (a replayed answer?)');
    return ts;
  } catch (error) {
    throw new RemoteError(`timestamp authority ${options.url}: ${errorMessage(error)}`, { cause: error });
  }
}

/** A web server's page (a wrong URL, a proxy's login or error page) instead of DER, which starts with 0x30. */
function looksLikeHtml(answer: Buffer): boolean {
  return /^\s*</.test(answer.subarray(0, 64).toString('latin1'));
}
