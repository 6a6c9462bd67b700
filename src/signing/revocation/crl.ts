/**
 * X.509 CRLs (RFC 5280 §5): parsing DER or PEM, the issuer and signature check, and the status of one serial.
 * Only complete, direct CRLs are used. A CRL that needs something this code does not do (an unknown critical
 * extension, an issuing distribution point scope, indirect entries, a delta CRL it points to) is not trusted to
 * say "good", so the caller reports the status as unknown instead of guessing.
 */
import type { X509Certificate } from 'node:crypto';
import { InputError } from '../../core/errors.js';
import { type DerNode, derChildren } from '../der.js';
import {
  TAG,
  bitStringBytes,
  children,
  oidOf,
  parseDer,
  parseTime,
  tbsParts,
  verifyWithAlgorithm,
} from './asn1.js';

export const CRL_REASONS: Record<number, string> = {
  0: 'unspecified',
  1: 'keyCompromise',
  2: 'cACompromise',
  3: 'affiliationChanged',
  4: 'superseded',
  5: 'cessationOfOperation',
  6: 'certificateHold',
  8: 'removeFromCRL',
  9: 'privilegeWithdrawn',
  10: 'aACompromise',
};

const EXT = {
  crlNumber: '2.5.29.20',
  authorityKeyIdentifier: '2.5.29.35',
  deltaCrlIndicator: '2.5.29.27',
  issuingDistributionPoint: '2.5.29.28',
  freshestCrl: '2.5.29.46',
  reasonCode: '2.5.29.21',
  invalidityDate: '2.5.29.24',
  certificateIssuer: '2.5.29.29',
} as const;
const KNOWN_CRL_EXTENSIONS = new Set<string>([EXT.crlNumber, EXT.authorityKeyIdentifier, EXT.freshestCrl]);

export interface CrlEntry {
  revokedAt: Date;
  reason?: string;
  invalidityDate?: Date;
}

export interface ParsedCrl {
  /** Where it came from (file, URL, cache), for messages. */
  source: string;
  /** DER of the issuer Name. */
  issuer: Buffer;
  thisUpdate: Date;
  nextUpdate?: Date;
  /** Revoked serials (hex of the INTEGER contents) -> entry. */
  entries: Map<string, CrlEntry>;
  /** Why this CRL cannot be relied on to clear a certificate, when it cannot. */
  unsupported?: string;
  /** Signed by this certificate's key? */
  signedBy(issuer: X509Certificate): boolean;
}

const MAX_ENTRIES = 2_000_000;

function extensionsOf(node: DerNode | undefined): { oid: string; critical: boolean; value: Buffer }[] {
  if (!node) return [];
  return derChildren(node).map((ext) => {
    const parts = derChildren(ext);
    return {
      oid: oidOf(parts[0], 'extension'),
      critical: parts.length === 3 && parts[1]?.tag === TAG.boolean && parts[1].value[0] !== 0,
      value: parts[parts.length - 1]?.value ?? Buffer.alloc(0),
    };
  });
}

/** A CRL in DER, or PEM (`X509 CRL` block). */
export function parseCrl(data: Buffer, source: string): ParsedCrl {
  const pem = /-----BEGIN X509 CRL-----([\s\S]*?)-----END X509 CRL-----/.exec(data.toString('latin1'));
  const der = pem ? Buffer.from((pem[1] ?? '').replace(/\s+/g, ''), 'base64') : data;
  try {
    return parseDerCrl(der, source);
  } catch (error) {
    throw new InputError(`${source}: not a CRL (${(error as Error).message})`, { cause: error });
  }
}

function parseDerCrl(der: Buffer, source: string): ParsedCrl {
  const [tbsNode, algorithm, signatureNode] = children(parseDer(der, 'CRL'), 'CertificateList');
  if (!tbsNode) throw new InputError('no tbsCertList');
  const signature = bitStringBytes(signatureNode, 'CRL signature');
  const tbs = children(tbsNode, 'tbsCertList');
  let i = tbs[0]?.tag === TAG.integer ? 1 : 0;
  i++; // signature AlgorithmIdentifier (inside the TBS; the outer one is what we verify with)
  const issuer = tbs[i++];
  if (!issuer || issuer.tag !== TAG.sequence) throw new InputError('no issuer');
  const thisUpdate = parseTime(tbs[i++], 'thisUpdate');
  let nextUpdate: Date | undefined;
  if (tbs[i]?.tag === TAG.utcTime || tbs[i]?.tag === TAG.generalizedTime)
    nextUpdate = parseTime(tbs[i++], 'nextUpdate');
  const entries = new Map<string, CrlEntry>();
  let unsupported: string | undefined;
  if (tbs[i]?.tag === TAG.sequence) {
    const list = derChildren(tbs[i++] as DerNode);
    if (list.length > MAX_ENTRIES) throw new InputError(`more than ${MAX_ENTRIES} entries`);
    for (const item of list) {
      const [serial, date, extNode] = derChildren(item);
      if (!serial || serial.tag !== TAG.integer) throw new InputError('revoked entry without a serial');
      const entry: CrlEntry = { revokedAt: parseTime(date, 'revocationDate') };
      for (const ext of extensionsOf(extNode)) {
        if (ext.oid === EXT.reasonCode) {
          const code = parseDer(ext.value, 'reasonCode').value[0] ?? 0;
          entry.reason = CRL_REASONS[code] ?? `reason ${code}`;
        } else if (ext.oid === EXT.invalidityDate) {
          entry.invalidityDate = parseTime(parseDer(ext.value, 'invalidityDate'), 'invalidityDate');
        } else if (ext.oid === EXT.certificateIssuer) {
          unsupported = 'indirect CRL entries (certificateIssuer) are not supported';
        } else if (ext.critical) {
          unsupported = `unknown critical entry extension ${ext.oid}`;
        }
      }
      entries.set(serial.value.toString('hex'), entry);
    }
  }
  const extWrapper = tbs[i]?.tag === 0xa0 ? derChildren(tbs[i] as DerNode)[0] : undefined;
  for (const ext of extensionsOf(extWrapper)) {
    if (ext.oid === EXT.deltaCrlIndicator) unsupported = 'delta CRLs are not supported';
    else if (ext.oid === EXT.issuingDistributionPoint)
      unsupported = 'CRLs scoped by an issuing distribution point are not supported';
    else if (ext.oid === EXT.freshestCrl)
      unsupported = 'the CRL points to a delta CRL, which is not supported';
    else if (ext.critical && !KNOWN_CRL_EXTENSIONS.has(ext.oid))
      unsupported = `unknown critical CRL extension ${ext.oid}`;
  }
  const signed = tbsNode.raw;
  return {
    source,
    issuer: issuer.raw,
    thisUpdate,
    ...(nextUpdate ? { nextUpdate } : {}),
    entries,
    ...(unsupported ? { unsupported } : {}),
    signedBy: (cert) => verifyWithAlgorithm(algorithm, cert.publicKey, signed, signature),
  };
}

/** Is this CRL about certificates `issuer` issued (same name, its signature)? */
export function crlCovers(crl: ParsedCrl, issuer: X509Certificate): boolean {
  return crl.issuer.equals(tbsParts(issuer).subject) && crl.signedBy(issuer);
}

export type CrlStatus =
  | { status: 'good'; detail: string }
  | { status: 'revoked'; detail: string; entry: CrlEntry }
  | { status: 'unknown'; detail: string };

/**
 * The spec's "Revocation Checking with CRL" for one certificate against a CRL already known to cover its
 * issuer. `timestamp` is the trusted signing time: a revocation whose invalidity date lies after it does not
 * affect this signature.
 */
export function crlStatus(crl: ParsedCrl, cert: X509Certificate, now: Date, timestamp?: Date): CrlStatus {
  const serial = tbsParts(cert).serial.toString('hex');
  const entry = crl.entries.get(serial);
  const expired = crl.nextUpdate !== undefined && crl.nextUpdate < now;
  const where = `CRL ${crl.source}`;
  if (crl.thisUpdate.getTime() > now.getTime() + 5 * 60_000)
    return { status: 'unknown', detail: `${where} is dated in the future (${crl.thisUpdate.toISOString()})` };
  if (entry) {
    if (timestamp && entry.invalidityDate && entry.invalidityDate > timestamp)
      return {
        status: 'good',
        detail: `${where} lists it as invalid only from ${entry.invalidityDate.toISOString()}, after the timestamp`,
      };
    if (!(expired && entry.reason === 'certificateHold') && entry.reason !== 'removeFromCRL')
      return {
        status: 'revoked',
        entry,
        detail: `revoked at ${entry.revokedAt.toISOString()}${entry.reason ? ` (${entry.reason})` : ''} per ${where}`,
      };
  }
  if (crl.unsupported) return { status: 'unknown', detail: `${where}: ${crl.unsupported}` };
  if (expired)
    return { status: 'unknown', detail: `${where} expired at ${crl.nextUpdate?.toISOString() ?? ''}` };
  return {
    status: 'good',
    detail: `not listed in ${where} (valid until ${crl.nextUpdate?.toISOString() ?? 'unspecified'})`,
  };
}
