/**
 * RFC 3161 time-stamp tokens: the request, the response, and the token itself (a CMS SignedData whose content
 * is a TSTInfo). Parsing checks the CMS signature over the signed attributes, the messageDigest attribute
 * against the TSTInfo, and the ESS signing-certificate(-v2) attribute against the signer certificate, so a
 * parsed token is one its signer really made; whether that signer is trusted is verify.ts's business.
 */
import { X509Certificate, createHash, randomBytes, verify } from 'node:crypto';
import { InputError } from '../../core/errors.js';
import { type DerNode, OID, certUsage, decodeOid, derChildren } from '../der.js';
import {
  HASH_OIDS,
  TAG,
  children,
  integer,
  octets,
  oid,
  oidOf,
  parseDer,
  parseTime,
  seq,
  tbsParts,
  tlv,
  verifyWithAlgorithm,
} from '../revocation/asn1.js';

const SIGNED_DATA = '1.2.840.113549.1.7.2';
const TST_INFO = '1.2.840.113549.1.9.16.1.4';
const ATTR = {
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificate: '1.2.840.113549.1.9.16.2.12',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
} as const;
const HASH_OID_BY_NAME: Record<string, string> = Object.fromEntries(
  Object.entries(HASH_OIDS).map(([k, v]) => [v, k]),
);
const MAX_CERTS = 20;

export type TimestampHash = 'sha256' | 'sha384' | 'sha512';

export interface TimestampRequest {
  der: Buffer;
  nonce: Buffer;
  hash: TimestampHash;
  digest: Buffer;
}

/** A TimeStampReq over `data`, asking for the TSA certificate to be included, with a random nonce. */
export function timestampRequest(data: Buffer, hash: TimestampHash): TimestampRequest {
  const digest = createHash(hash).update(data).digest();
  const nonce = randomBytes(8);
  // 0x40..0x7f in front: positive and minimal, so the INTEGER's bytes are exactly the nonce.
  nonce[0] = ((nonce[0] ?? 0) & 0x3f) | 0x40;
  const der = seq(
    integer(Buffer.from([1])),
    seq(seq(oid(HASH_OID_BY_NAME[hash] as string)), octets(digest)),
    integer(nonce),
    tlv(TAG.boolean, Buffer.from([0xff])),
  );
  return { der, nonce, hash, digest };
}

export interface TimestampToken {
  /** DER ContentInfo, as stored in the envelope. */
  der: Buffer;
  genTime: Date;
  /** Accuracy in milliseconds (0 when the TSA states none). */
  accuracyMs: number;
  policy: string;
  imprint: { hash: TimestampHash; digest: Buffer };
  nonce?: Buffer;
  /** The certificate that signed the token. */
  signer: X509Certificate;
  /** Every certificate the token carries (the signer among them). */
  certificates: X509Certificate[];
}

const PKI_STATUS = [
  'granted',
  'grantedWithMods',
  'rejection',
  'waiting',
  'revocationWarning',
  'revocationNotification',
];

/** The token out of a TimeStampResp; a rejection is an InputError quoting the TSA's status text. */
export function parseTimestampResponse(der: Buffer): Buffer {
  const [statusInfo, token] = children(parseDer(der, 'time-stamp response'), 'TimeStampResp');
  const status = children(statusInfo, 'PKIStatusInfo');
  const code = status[0]?.value.readUIntBE(0, Math.min(status[0].value.length || 1, 4)) ?? -1;
  if (code !== 0 && code !== 1) {
    const text =
      status[1]?.tag === TAG.sequence
        ? derChildren(status[1])
            .map((n) => n.value.toString('utf8'))
            .join('; ')
        : '';
    throw new InputError(
      `the TSA answered ${PKI_STATUS[code] ?? `status ${code}`}${text ? `: ${text}` : ''}`,
    );
  }
  if (!token) throw new InputError('the TSA granted the request but sent no token');
  return token.raw;
}

function attributes(node: DerNode): Map<string, DerNode[]> {
  const out = new Map<string, DerNode[]>();
  for (const attr of derChildren(node)) {
    const [type, values] = derChildren(attr);
    out.set(oidOf(type, 'attribute type'), values ? derChildren(values) : []);
  }
  return out;
}

function hashName(algorithm: DerNode | undefined, what: string): TimestampHash {
  const name = HASH_OIDS[oidOf(children(algorithm, what)[0], what)];
  if (!name) throw new InputError(`${what}: only SHA-256, SHA-384 and SHA-512 are accepted`);
  return name as TimestampHash;
}

/** The CMS signature: signatureAlgorithm may name just the key type (rsaEncryption), with the hash separately. */
function verifySignerInfo(
  algorithm: DerNode | undefined,
  digestAlg: TimestampHash,
  signer: X509Certificate,
  data: Buffer,
  signature: Buffer,
): boolean {
  const name = oidOf(children(algorithm, 'signatureAlgorithm')[0], 'signatureAlgorithm');
  if (name === '1.2.840.113549.1.1.1' || name === '1.2.840.10045.2.1') {
    try {
      return verify(digestAlg, data, signer.publicKey, signature);
    } catch {
      return false;
    }
  }
  return verifyWithAlgorithm(algorithm, signer.publicKey, data, signature);
}

/** ESS signing-certificate(-v2): the first ESSCertID must hash to the signer certificate. */
function signingCertificateMatches(attrs: Map<string, DerNode[]>, signer: X509Certificate): boolean {
  const v2 = attrs.get(ATTR.signingCertificateV2)?.[0];
  const v1 = attrs.get(ATTR.signingCertificate)?.[0];
  const value = v2 ?? v1;
  if (!value) return false;
  const first = derChildren(children(children(value, 'SigningCertificate')[0], 'certs')[0] as DerNode);
  let hash = v2 ? 'sha256' : 'sha1';
  let certHash = first[0];
  if (v2 && first[0]?.tag === TAG.sequence) {
    hash = hashName(first[0], 'ESSCertIDv2 hashAlgorithm');
    certHash = first[1];
  }
  if (!certHash || certHash.tag !== TAG.octetString) return false;
  return createHash(hash).update(signer.raw).digest().equals(certHash.value);
}

/** Parses and checks a time-stamp token (ContentInfo with SignedData over a TSTInfo). */
export function parseTimestampToken(der: Buffer): TimestampToken {
  const [type, content] = children(parseDer(der, 'time-stamp token'), 'ContentInfo');
  if (oidOf(type, 'contentType') !== SIGNED_DATA)
    throw new InputError('time-stamp token: not CMS SignedData');
  const signedData = children(children(content, 'content', 0xa0)[0], 'SignedData');
  const encap = children(signedData[2], 'encapContentInfo');
  if (oidOf(encap[0], 'eContentType') !== TST_INFO)
    throw new InputError('time-stamp token: content is not a TSTInfo');
  const eContent = children(encap[1], 'eContent', 0xa0)[0];
  if (!eContent || eContent.tag !== TAG.octetString)
    throw new InputError('time-stamp token: no TSTInfo octets');
  const certNode = signedData.find((n, i) => i > 2 && n.tag === 0xa0);
  const certNodes = certNode ? derChildren(certNode).filter((n) => n.tag === TAG.sequence) : [];
  if (certNodes.length > MAX_CERTS) throw new InputError('time-stamp token: too many certificates');
  const certificates = certNodes.map((n) => {
    try {
      return new X509Certificate(n.raw);
    } catch {
      throw new InputError('time-stamp token: a certificate does not parse');
    }
  });
  const signerInfos = derChildren(signedData[signedData.length - 1] as DerNode);
  if (signerInfos.length !== 1) throw new InputError('time-stamp token: expected exactly one SignerInfo');
  const info = derChildren(signerInfos[0] as DerNode);
  const [, sid, digestAlgorithm] = info;
  const signedAttrs = info.find((n) => n.tag === 0xa0);
  const afterAttrs = signedAttrs ? info.indexOf(signedAttrs) + 1 : 3;
  const signatureAlgorithm = info[afterAttrs];
  const signatureNode = info[afterAttrs + 1];
  if (!signedAttrs) throw new InputError('time-stamp token: no signed attributes');
  if (!signatureNode || signatureNode.tag !== TAG.octetString)
    throw new InputError('time-stamp token: no signature');
  // The signer by issuer and serial number, or by subject key identifier ([0]).
  let signer: X509Certificate | undefined;
  if (sid?.tag === TAG.sequence) {
    const [issuer, serial] = derChildren(sid);
    signer = certificates.find((c) => {
      const parts = tbsParts(c);
      return !!issuer && !!serial && parts.issuer.equals(issuer.raw) && parts.serial.equals(serial.value);
    });
  } else if (sid?.tag === 0x80) {
    signer = certificates.find((c) => subjectKeyId(c)?.equals(sid.value));
  }
  if (!signer) throw new InputError('time-stamp token: the signer certificate is not in the token');
  const digestHash = hashName(digestAlgorithm, 'SignerInfo digestAlgorithm');
  const attrs = attributes(signedAttrs);
  // The signature covers the signed attributes encoded as a SET, not as the [0] they are stored as.
  const signedBytes = Buffer.concat([Buffer.from([TAG.set]), signedAttrs.raw.subarray(1)]);
  if (!verifySignerInfo(signatureAlgorithm, digestHash, signer, signedBytes, signatureNode.value))
    throw new InputError('time-stamp token: the TSA signature does not verify');
  const digestAttr = attrs.get(ATTR.messageDigest)?.[0];
  if (!digestAttr || !createHash(digestHash).update(eContent.value).digest().equals(digestAttr.value))
    throw new InputError('time-stamp token: messageDigest does not match the TSTInfo');
  const contentTypeAttr = attrs.get(ATTR.contentType)?.[0];
  if (!contentTypeAttr || decodeOid(contentTypeAttr.value) !== TST_INFO)
    throw new InputError('time-stamp token: contentType attribute is not TSTInfo');
  if (!signingCertificateMatches(attrs, signer))
    throw new InputError('time-stamp token: the signing-certificate attribute does not name the signer');
  const usage = certUsage(signer);
  if (!usage.extKeyUsage?.includes(OID.timeStamping))
    throw new InputError('time-stamp token: the signer certificate lacks the timeStamping EKU');
  return { der, certificates, signer, ...parseTstInfo(eContent.value) };
}

function subjectKeyId(cert: X509Certificate): Buffer | undefined {
  const certificate = children(parseDer(cert.raw, 'certificate'), 'certificate');
  const tbs = children(certificate[0], 'tbsCertificate');
  const wrapper = tbs.find((n) => n.tag === 0xa3);
  for (const ext of wrapper ? derChildren(derChildren(wrapper)[0] as DerNode) : []) {
    const parts = derChildren(ext);
    if (oidOf(parts[0], 'extension') === '2.5.29.14')
      return parseDer((parts[parts.length - 1] as DerNode).value, 'SKI').value;
  }
  return undefined;
}

function parseTstInfo(
  der: Buffer,
): Pick<TimestampToken, 'genTime' | 'accuracyMs' | 'policy' | 'imprint' | 'nonce'> {
  const fields = children(parseDer(der, 'TSTInfo'), 'TSTInfo');
  const [, policyNode, imprintNode, , genTimeNode] = fields;
  const policy = oidOf(policyNode, 'TSTInfo policy');
  const imprint = children(imprintNode, 'messageImprint');
  const hash = hashName(imprint[0], 'messageImprint hashAlgorithm');
  if (!imprint[1] || imprint[1].tag !== TAG.octetString) throw new InputError('TSTInfo: no hashedMessage');
  const genTime = parseTime(genTimeNode, 'TSTInfo genTime');
  let accuracyMs = 0;
  let nonce: Buffer | undefined;
  for (const node of fields.slice(5)) {
    if (node.tag === TAG.sequence) {
      for (const part of derChildren(node)) {
        const n = part.value.length <= 4 ? part.value.readUIntBE(0, part.value.length || 1) : Infinity;
        if (part.tag === TAG.integer) accuracyMs += n * 1000;
        else if (part.tag === 0x80) accuracyMs += n;
        else if (part.tag === 0x81) accuracyMs += Math.ceil(n / 1000);
      }
    } else if (node.tag === TAG.integer) {
      nonce = node.value;
    }
  }
  // RFC 3628 baseline policy without an explicit accuracy: one second, as the Notary Project spec says.
  if (accuracyMs === 0 && policy === '0.4.0.2023.1.1') accuracyMs = 1000;
  return {
    genTime,
    accuracyMs,
    policy,
    imprint: { hash, digest: imprint[1].value },
    ...(nonce ? { nonce } : {}),
  };
}
