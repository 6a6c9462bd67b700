/**
 * OCSP (RFC 6960) for one certificate: the request (CertID with SHA-1 name and key hashes, as responders expect),
 * and the answer, accepted only when it is a successful basic response, signed by the issuing CA or by a
 * responder certificate that CA issued for OCSP signing, about this very certificate, and current.
 */
import { X509Certificate, createHash } from 'node:crypto';
import { InputError } from '../../core/errors.js';
import { type DerNode, OID, certUsage, derChildren } from '../der.js';
import {
  TAG,
  bitStringBytes,
  children,
  derNull,
  oid,
  oidOf,
  octets,
  parseDer,
  parseTime,
  seq,
  tbsParts,
  tlv,
  verifyWithAlgorithm,
} from './asn1.js';
import { CRL_REASONS } from './crl.js';

const SHA1 = '1.3.14.3.2.26';
const BASIC_RESPONSE = '1.3.6.1.5.5.7.48.1.1';
const OCSP_NOCHECK = '1.3.6.1.5.5.7.48.1.5';
const INVALIDITY_DATE = '2.5.29.24';
/** Clocks drift: a response produced a little in our future is still accepted. */
const SKEW_MS = 5 * 60_000;

export interface CertId {
  nameHash: Buffer;
  keyHash: Buffer;
  serial: Buffer;
}

export function certIdOf(cert: X509Certificate, issuer: X509Certificate): CertId {
  const sha1 = (data: Buffer): Buffer => createHash('sha1').update(data).digest();
  return {
    nameHash: sha1(tbsParts(cert).issuer),
    keyHash: sha1(tbsParts(issuer).publicKeyBits),
    serial: tbsParts(cert).serial,
  };
}

/** DER OCSPRequest for one certificate, no nonce (openssl and most CA responders answer from cache anyway). */
export function ocspRequest(id: CertId): Buffer {
  const certId = seq(
    seq(oid(SHA1), derNull()),
    octets(id.nameHash),
    octets(id.keyHash),
    tlv(TAG.integer, id.serial),
  );
  return seq(seq(seq(seq(certId))));
}

export type OcspStatus =
  | { status: 'good'; thisUpdate: Date; nextUpdate?: Date; signer: string }
  | {
      status: 'revoked';
      revokedAt: Date;
      reason?: string;
      invalidityDate?: Date;
      thisUpdate: Date;
      signer: string;
    }
  | { status: 'unknown'; detail: string };

const RESPONSE_STATUS = [
  'successful',
  'malformedRequest',
  'internalError',
  'tryLater',
  '4',
  'sigRequired',
  'unauthorized',
];

function sameCertId(node: DerNode, id: CertId): boolean {
  const [alg, nameHash, keyHash, serial] = derChildren(node);
  return (
    oidOf(derChildren(alg as DerNode)[0], 'CertID hash') === SHA1 &&
    !!nameHash?.value.equals(id.nameHash) &&
    !!keyHash?.value.equals(id.keyHash) &&
    !!serial?.value.equals(id.serial)
  );
}

/** Who signed the response: the issuer itself, or a delegated responder it issued with the OCSPSigning EKU. */
function responseSigner(
  basic: DerNode[],
  issuer: X509Certificate,
  now: Date,
): { name: string; verified: boolean } {
  const [tbs, algorithm, signatureNode] = basic;
  if (!tbs) throw new InputError('OCSP: no tbsResponseData');
  const signature = bitStringBytes(signatureNode, 'OCSP signature');
  if (verifyWithAlgorithm(algorithm, issuer.publicKey, tbs.raw, signature))
    return { name: 'the issuing CA', verified: true };
  const certsNode = basic.find((n) => n.tag === 0xa0);
  const certList = certsNode ? children(derChildren(certsNode)[0], 'OCSP certs') : [];
  for (const node of certList.slice(0, 10)) {
    let responder: X509Certificate;
    try {
      responder = new X509Certificate(node.raw);
    } catch {
      continue;
    }
    if (!responder.checkIssued(issuer) || !responder.verify(issuer.publicKey)) continue;
    if (now < new Date(responder.validFrom) || now > new Date(responder.validTo)) continue;
    const usage = certUsage(responder);
    if (!usage.extKeyUsage?.includes(OID.ocspSigning)) continue;
    if (verifyWithAlgorithm(algorithm, responder.publicKey, tbs.raw, signature)) {
      const nocheck = hasExtension(responder, OCSP_NOCHECK);
      return {
        name: `delegated responder "${responder.subject.split('\n').join(', ')}"${nocheck ? '' : ' (its own revocation status is not checked)'}`,
        verified: true,
      };
    }
  }
  return { name: 'nobody trusted', verified: false };
}

function hasExtension(cert: X509Certificate, extOid: string): boolean {
  const certificate = children(parseDer(cert.raw, 'certificate'), 'certificate');
  const tbs = children(certificate[0], 'tbsCertificate');
  const wrapper = tbs.find((n) => n.tag === 0xa3);
  if (!wrapper) return false;
  return derChildren(derChildren(wrapper)[0] as DerNode).some(
    (ext) => oidOf(derChildren(ext)[0], 'extension') === extOid,
  );
}

/**
 * The status of `id` in an OCSP answer. Malformed answers throw InputError; answers that are well-formed but
 * unusable (not successful, wrong signer, stale, about another certificate) come back as `unknown`.
 */
export function parseOcspResponse(der: Buffer, id: CertId, issuer: X509Certificate, now: Date): OcspStatus {
  const top = children(parseDer(der, 'OCSP response'), 'OCSPResponse');
  const statusNode = top[0];
  if (!statusNode || statusNode.tag !== TAG.enumerated) throw new InputError('OCSP: no responseStatus');
  const code = statusNode.value[0] ?? 255;
  if (code !== 0)
    return { status: 'unknown', detail: `responder answered ${RESPONSE_STATUS[code] ?? `status ${code}`}` };
  const bytes = children(children(top[1], 'responseBytes', 0xa0)[0], 'ResponseBytes');
  if (oidOf(bytes[0], 'responseType') !== BASIC_RESPONSE)
    return { status: 'unknown', detail: 'responder answered with a non-basic response type' };
  if (!bytes[1] || bytes[1].tag !== TAG.octetString) throw new InputError('OCSP: no response octets');
  const basic = children(parseDer(bytes[1].value, 'BasicOCSPResponse'), 'BasicOCSPResponse');
  const signer = responseSigner(basic, issuer, now);
  if (!signer.verified)
    return {
      status: 'unknown',
      detail: 'the response is not signed by the issuing CA or a responder it authorised',
    };
  const data = children(basic[0], 'ResponseData');
  const fields = data[0]?.tag === 0xa0 ? data.slice(1) : data;
  const responses = children(fields[2], 'responses');
  const single = responses.map((r) => derChildren(r)).find((r) => r[0] && sameCertId(r[0], id));
  if (!single) return { status: 'unknown', detail: 'the response does not cover this certificate' };
  const [, statusChoice, thisUpdateNode, ...rest] = single;
  const thisUpdate = parseTime(thisUpdateNode, 'OCSP thisUpdate');
  const nextNode = rest.find((n) => n.tag === 0xa0);
  const nextUpdate = nextNode ? parseTime(derChildren(nextNode)[0], 'OCSP nextUpdate') : undefined;
  if (thisUpdate.getTime() > now.getTime() + SKEW_MS)
    return {
      status: 'unknown',
      detail: `the response's thisUpdate ${thisUpdate.toISOString()} is in the future`,
    };
  if (nextUpdate && nextUpdate < now)
    return { status: 'unknown', detail: `the response expired at ${nextUpdate.toISOString()}` };
  const base = { thisUpdate, signer: signer.name };
  if (statusChoice?.tag === 0x80) return { status: 'good', ...base, ...(nextUpdate ? { nextUpdate } : {}) };
  if (statusChoice?.tag === 0xa1) {
    const info = derChildren(statusChoice);
    const revokedAt = parseTime(info[0], 'OCSP revocationTime');
    const reasonNode = info.find((n) => n.tag === 0xa0);
    const reasonCode = reasonNode ? derChildren(reasonNode)[0]?.value[0] : undefined;
    const extensions = rest.find((n) => n.tag === 0xa1);
    let invalidityDate: Date | undefined;
    for (const ext of extensions ? derChildren(derChildren(extensions)[0] as DerNode) : []) {
      const parts = derChildren(ext);
      if (oidOf(parts[0], 'extension') === INVALIDITY_DATE) {
        const value = parts[parts.length - 1];
        if (value) invalidityDate = parseTime(parseDer(value.value, 'invalidityDate'), 'invalidityDate');
      }
    }
    return {
      status: 'revoked',
      revokedAt,
      ...(reasonCode !== undefined ? { reason: CRL_REASONS[reasonCode] ?? `reason ${reasonCode}` } : {}),
      ...(invalidityDate ? { invalidityDate } : {}),
      ...base,
    };
  }
  if (statusChoice?.tag === 0x82)
    return { status: 'unknown', detail: 'the responder does not know this certificate' };
  throw new InputError('OCSP: unrecognised certStatus');
}
