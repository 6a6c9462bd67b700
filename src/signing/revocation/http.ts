/**
 * Fetching revocation material: plain HTTP as the spec asks (OCSP and CRL URLs are http), bounded in time (a
 * per-request threshold and the caller's overall budget) and in size; no redirects, since a responder that
 * redirects is not one the certificate named.
 */
import { errorMessage } from '../../core/errors.js';

export class FetchFailure extends Error {}

export async function fetchBounded(
  url: string,
  init: { method: 'GET' | 'POST'; body?: Buffer; contentType?: string; accept: string },
  limits: { timeoutMs: number; maxBytes: number; signal?: AbortSignal | undefined },
): Promise<Buffer> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new FetchFailure(`"${url}" is not a URL`);
  }
  if (parsed.protocol !== 'http:') throw new FetchFailure(`${url}: only http:// revocation URLs are fetched`);
  const signals = [AbortSignal.timeout(limits.timeoutMs)];
  if (limits.signal) signals.push(limits.signal);
  const signal = AbortSignal.any(signals);
  let response: Response;
  try {
    response = await fetch(parsed, {
      method: init.method,
      redirect: 'error',
      signal,
      headers: { accept: init.accept, ...(init.contentType ? { 'content-type': init.contentType } : {}) },
      ...(init.body ? { body: new Uint8Array(init.body) } : {}),
    });
  } catch (error) {
    const timedOut = signal.aborted;
    throw new FetchFailure(
      timedOut ? `${url}: no answer within ${limits.timeoutMs} ms` : `${url}: ${errorMessage(error)}`,
    );
  }
  if (response.status < 200 || response.status > 299) {
    await response.body?.cancel();
    throw new FetchFailure(`${url}: HTTP ${response.status}`);
  }
  const length = Number(response.headers.get('content-length') ?? '0');
  if (length > limits.maxBytes) {
    await response.body?.cancel();
    throw new FetchFailure(`${url}: answer of ${length} bytes exceeds the ${limits.maxBytes}-byte limit`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body ?? []) {
      total += (chunk as Uint8Array).length;
      if (total > limits.maxBytes)
        throw new FetchFailure(`${url}: answer exceeds the ${limits.maxBytes}-byte limit`);
      chunks.push(Buffer.from(chunk as Uint8Array));
    }
  } catch (error) {
    if (error instanceof FetchFailure) throw error;
    throw new FetchFailure(
      `${url}: ${signal.aborted ? `no answer within ${limits.timeoutMs} ms` : errorMessage(error)}`,
    );
  }
  return Buffer.concat(chunks);
}
