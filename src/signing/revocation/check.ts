/**
 * Certificate revocation evaluation as trust-store-trust-policy.md defines it: from the root towards the leaf,
 * every certificate that names OCSP or CRL endpoints is checked; OCSP is preferred and CRLs are the fallback
 * when OCSP cannot tell; a certificate that names neither is not revocable. The result is `ok`, `revoked`, or
 * `unknown` (revocation unavailable), which the trust policy's `revocation` action turns into enforce or log.
 *
 * Bounded: each OCSP request waits at most `ocspTimeoutMs` (spec default 2 s), each CRL download `crlTimeoutMs`
 * (5 s), and the whole evaluation `budgetMs`; whatever is left when the budget runs out is `unknown`.
 * Air-gapped use: `crls` supplied by the user and the CRLs in `cacheDir` are used before (or, `online: false`,
 * instead of) the network; downloaded CRLs are written to `cacheDir` for the next run.
 */
import { type X509Certificate, createHash } from 'node:crypto';
import { mkdir, readFile, readdir, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../../core/errors.js';
import { subjectOf } from '../certs.js';
import { certExtensions, derChildren, OID } from '../der.js';
import { children, oidOf, parseDer, uriNames } from './asn1.js';
import { type CrlStatus, type ParsedCrl, crlCovers, crlStatus, parseCrl } from './crl.js';
import { FetchFailure, fetchBounded } from './http.js';
import { certIdOf, ocspRequest, parseOcspResponse } from './ocsp.js';

export type CertRevocationStatus = 'good' | 'revoked' | 'unknown' | 'notRevocable';

export interface CertRevocation {
  subject: string;
  status: CertRevocationStatus;
  /** What decided it: `ocsp URL`, `crl URL`, a CRL file, or nothing. */
  via?: string;
  detail: string;
}

export interface RevocationOutcome {
  result: 'ok' | 'revoked' | 'unknown';
  /** Root first, as evaluated. */
  certificates: CertRevocation[];
  /** One line for the report. */
  detail: string;
}

export interface RevocationOptions {
  /** Go to the OCSP responders and CRL distribution points the certificates name (default true). */
  online?: boolean;
  /** CRLs the user supplied (`--crl FILE`). */
  crls?: readonly ParsedCrl[];
  /** Directory of CRLs: read for air-gapped use, and where downloaded CRLs are kept. */
  cacheDir?: string;
  ocspTimeoutMs?: number;
  crlTimeoutMs?: number;
  budgetMs?: number;
}

export interface RevocationContext {
  now: Date;
  /** The trusted timestamp of the signature, when there is one (invalidity dates after it do not count). */
  timestamp?: Date;
}

export type RevocationChecker = (
  chain: readonly X509Certificate[],
  context: RevocationContext,
) => Promise<RevocationOutcome>;

const OCSP_MAX_BYTES = 64 * 1024;
const CRL_MAX_BYTES = 16 * 1024 * 1024;
const CACHE_MAX_FILES = 1000;

export function revocationEndpointsOf(cert: X509Certificate): { ocsp: string[]; crl: string[] } {
  const out = { ocsp: [] as string[], crl: [] as string[] };
  for (const ext of certExtensions(cert)) {
    if (ext.oid === OID.authorityInfoAccess) {
      for (const access of children(parseDer(ext.value, 'authorityInfoAccess'), 'authorityInfoAccess')) {
        const [method, location] = derChildren(access);
        if (location && oidOf(method, 'accessMethod') === '1.3.6.1.5.5.7.48.1')
          out.ocsp.push(...uriNames([location]));
      }
    } else if (ext.oid === OID.crlDistributionPoints) {
      for (const point of children(parseDer(ext.value, 'cRLDistributionPoints'), 'cRLDistributionPoints')) {
        const name = derChildren(point).find((n) => n.tag === 0xa0);
        const fullName = name ? derChildren(name).find((n) => n.tag === 0xa0) : undefined;
        if (fullName) out.crl.push(...uriNames(derChildren(fullName)));
      }
    }
  }
  return out;
}

/** CRLs from files (`--crl`), each checked to be a CRL now rather than at verification time. */
export async function loadCrlFiles(paths: readonly string[]): Promise<ParsedCrl[]> {
  const out: ParsedCrl[] = [];
  for (const path of paths) out.push(parseCrl(await readBounded(path), path));
  return out;
}

async function readBounded(path: string): Promise<Buffer> {
  const info = await stat(path);
  if (!info.isFile()) throw new Error(`${path}: not a file`);
  if (info.size > CRL_MAX_BYTES) throw new Error(`${path}: larger than ${CRL_MAX_BYTES} bytes`);
  return readFile(path);
}

/** Every readable CRL in the cache directory; unreadable files are skipped, since the cache is best effort. */
async function cachedCrls(dir: string): Promise<ParsedCrl[]> {
  let names: string[];
  try {
    names = (await readdir(dir))
      .filter((n) => /\.(crl|pem|der)$/i.test(n))
      .sort()
      .slice(0, CACHE_MAX_FILES);
  } catch {
    return [];
  }
  const out: ParsedCrl[] = [];
  for (const name of names) {
    try {
      out.push(parseCrl(await readBounded(join(dir, name)), join(dir, name)));
    } catch {
      // A half-written or foreign file in the cache is not an error of the signature.
    }
  }
  return out;
}

async function writeCache(dir: string, url: string, der: Buffer): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${createHash('sha256').update(url).digest('hex')}.crl`);
    await writeFile(`${file}.tmp`, der);
    await rename(`${file}.tmp`, file);
  } catch {
    // Caching is an optimisation; a read-only cache directory must not fail verification.
  }
}

/** The newest CRL among `crls` that covers `issuer`. */
function bestCrl(crls: readonly ParsedCrl[], issuer: X509Certificate): ParsedCrl | undefined {
  let best: ParsedCrl | undefined;
  for (const crl of crls)
    if (crlCovers(crl, issuer) && (!best || crl.thisUpdate > best.thisUpdate)) best = crl;
  return best;
}

export function revocationChecker(options: RevocationOptions = {}): RevocationChecker {
  const online = options.online ?? true;
  const ocspTimeoutMs = options.ocspTimeoutMs ?? 2_000;
  const crlTimeoutMs = options.crlTimeoutMs ?? 5_000;
  const budgetMs = options.budgetMs ?? 10_000;
  return async (chain, context) => {
    // A deadline rather than a timer: most chains name no endpoint and must cost nothing.
    const deadline = Date.now() + budgetMs;
    const local = [...(options.crls ?? []), ...(options.cacheDir ? await cachedCrls(options.cacheDir) : [])];
    const certificates: CertRevocation[] = [];
    // Root first, as the spec orders it; the self-signed root is the trust anchor and has no issuer to ask.
    for (let i = chain.length - 1; i >= 0; i--) {
      const cert = chain[i] as X509Certificate;
      const issuer = chain[i + 1];
      const subject = subjectOf(cert);
      // The last certificate is where trust starts (a self-signed root, or the trust-store certificate a TSA
      // chain reached); nothing above it could answer for it.
      if (!issuer) {
        // Names only: the chain's signatures were verified before revocation is asked about.
        const what = cert.checkIssued(cert) ? 'self-signed root' : 'end of the chain';
        certificates.push({ subject, status: 'notRevocable', detail: `${what} (trust anchor)` });
        continue;
      }
      if (Date.now() >= deadline) {
        certificates.push({
          subject,
          status: 'unknown',
          detail: `revocation time budget of ${budgetMs} ms spent`,
        });
        continue;
      }
      certificates.push(
        await checkOne(cert, issuer, context, {
          online,
          ocspTimeoutMs,
          crlTimeoutMs,
          deadline,
          local,
          cacheDir: options.cacheDir,
        }),
      );
    }
    return summarise(certificates);
  };
}

interface CheckSettings {
  online: boolean;
  ocspTimeoutMs: number;
  crlTimeoutMs: number;
  /** Epoch milliseconds after which no request is started or awaited. */
  deadline: number;
  local: ParsedCrl[];
  cacheDir: string | undefined;
}

async function checkOne(
  cert: X509Certificate,
  issuer: X509Certificate,
  context: RevocationContext,
  s: CheckSettings,
): Promise<CertRevocation> {
  const subject = subjectOf(cert);
  let endpoints: { ocsp: string[]; crl: string[] };
  try {
    endpoints = revocationEndpointsOf(cert);
  } catch (error) {
    return { subject, status: 'unknown', detail: `malformed revocation extensions: ${errorMessage(error)}` };
  }
  const localCrl = bestCrl(s.local, issuer);
  if (endpoints.ocsp.length === 0 && endpoints.crl.length === 0 && !localCrl)
    return { subject, status: 'notRevocable', detail: 'names no OCSP responder or CRL distribution point' };
  const problems: string[] = [];
  const fromCrl = (status: CrlStatus, via: string): CertRevocation => ({
    subject,
    status: status.status,
    via,
    detail: status.detail,
  });

  if (s.online) {
    const id = certIdOf(cert, issuer);
    for (const url of endpoints.ocsp) {
      try {
        const der = await fetchBounded(
          url,
          {
            method: 'POST',
            body: ocspRequest(id),
            contentType: 'application/ocsp-request',
            accept: 'application/ocsp-response',
          },
          { timeoutMs: remaining(s.ocspTimeoutMs, s.deadline), maxBytes: OCSP_MAX_BYTES },
        );
        const answer = parseOcspResponse(der, id, issuer, context.now);
        if (answer.status === 'good')
          return {
            subject,
            status: 'good',
            via: `ocsp ${url}`,
            detail: `OCSP good (signed by ${answer.signer})`,
          };
        if (answer.status === 'revoked') {
          if (context.timestamp && answer.invalidityDate && answer.invalidityDate > context.timestamp)
            return {
              subject,
              status: 'good',
              via: `ocsp ${url}`,
              detail: `OCSP revoked, but invalid only from ${answer.invalidityDate.toISOString()}, after the timestamp`,
            };
          return {
            subject,
            status: 'revoked',
            via: `ocsp ${url}`,
            detail: `OCSP: revoked at ${answer.revokedAt.toISOString()}${answer.reason ? ` (${answer.reason})` : ''}`,
          };
        }
        problems.push(`OCSP ${url}: ${answer.detail}`);
        break; // A responder that answered "unknown" was reached: fall back to CRLs rather than asking twice.
      } catch (error) {
        problems.push(
          error instanceof FetchFailure ? `OCSP ${error.message}` : `OCSP ${url}: ${errorMessage(error)}`,
        );
      }
    }
  }
  // A CRL the user supplied or the cache holds is used while it is current.
  if (localCrl) {
    const status = crlStatus(localCrl, cert, context.now, context.timestamp);
    if (status.status !== 'unknown') return fromCrl(status, `crl ${localCrl.source}`);
    problems.push(status.detail);
  }
  if (s.online) {
    for (const url of endpoints.crl) {
      try {
        const der = await fetchBounded(
          url,
          { method: 'GET', accept: 'application/pkix-crl' },
          { timeoutMs: remaining(s.crlTimeoutMs, s.deadline), maxBytes: CRL_MAX_BYTES },
        );
        const crl = parseCrl(der, url);
        if (!crlCovers(crl, issuer)) {
          problems.push(`CRL ${url} is not issued and signed by "${subjectOf(issuer)}"`);
          continue;
        }
        if (s.cacheDir) await writeCache(s.cacheDir, url, der);
        const status = crlStatus(crl, cert, context.now, context.timestamp);
        if (status.status !== 'unknown') return fromCrl(status, `crl ${url}`);
        problems.push(status.detail);
        break;
      } catch (error) {
        problems.push(
          error instanceof FetchFailure ? `CRL ${error.message}` : `CRL ${url}: ${errorMessage(error)}`,
        );
      }
    }
  } else if (!localCrl) {
    problems.push('offline and no CRL for its issuer was supplied');
  }
  return { subject, status: 'unknown', detail: problems.join('; ') || 'no usable revocation source' };
}

/** The per-request threshold, cut to what is left of the overall budget (at least 1 ms, so it fails fast). */
function remaining(thresholdMs: number, deadline: number): number {
  return Math.max(1, Math.min(thresholdMs, deadline - Date.now()));
}

function summarise(certificates: CertRevocation[]): RevocationOutcome {
  const revoked = certificates.find((c) => c.status === 'revoked');
  if (revoked)
    return { result: 'revoked', certificates, detail: `"${revoked.subject}" is revoked: ${revoked.detail}` };
  const unknown = certificates.find((c) => c.status === 'unknown');
  if (unknown)
    return {
      result: 'unknown',
      certificates,
      detail: `revocation status of "${unknown.subject}" unknown: ${unknown.detail}`,
    };
  const checked = certificates.filter((c) => c.status === 'good');
  return {
    result: 'ok',
    certificates,
    detail:
      checked.length === 0
        ? 'no certificate names an OCSP responder or CRL distribution point: not revocable'
        : `not revoked (${checked.map((c) => `"${c.subject}" ${c.via ?? ''}`.trim()).join('; ')})`,
  };
}
