/**
 * The DER pieces OCSP, CRLs and timestamps need beyond ../der.ts: a small encoder, times, the parts of a
 * certificate's TBS (issuer, subject, serial, public key), URLs in GeneralNames, and verifying a signature named
 * by an X.509 AlgorithmIdentifier. Everything reads through readDer, which bounds lengths by the input.
 */
import { type KeyObject, type X509Certificate, constants, verify } from 'node:crypto';
import { InputError } from '../../core/errors.js';
import { type DerNode, decodeOid, derChildren, readDer } from '../der.js';

export const TAG = {
  boolean: 0x01,
  integer: 0x02,
  bitString: 0x03,
  octetString: 0x04,
  null: 0x05,
  oid: 0x06,
  enumerated: 0x0a,
  utf8String: 0x0c,
  sequence: 0x30,
  set: 0x31,
  utcTime: 0x17,
  generalizedTime: 0x18,
} as const;

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, ...contents: Buffer[]): Buffer {
  const value = Buffer.concat(contents);
  return Buffer.concat([Buffer.from([tag]), encodeLength(value.length), value]);
}

export const seq = (...items: Buffer[]): Buffer => tlv(TAG.sequence, ...items);
export const octets = (value: Buffer): Buffer => tlv(TAG.octetString, value);
export const derNull = (): Buffer => Buffer.from([TAG.null, 0]);

export function oid(text: string): Buffer {
  const parts = text.split('.').map(Number);
  const bytes: number[] = [(parts[0] ?? 0) * 40 + (parts[1] ?? 0)];
  for (const part of parts.slice(2)) {
    const chunk: number[] = [part & 0x7f];
    for (let n = Math.floor(part / 128); n > 0; n = Math.floor(n / 128)) chunk.unshift((n & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(TAG.oid, Buffer.from(bytes));
}

/** A non-negative integer from its big-endian magnitude (a sign byte is added when needed). */
export function integer(magnitude: Buffer): Buffer {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const trimmed = magnitude.subarray(start);
  return tlv(TAG.integer, (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}

export function parseDer(data: Buffer, what: string): DerNode {
  try {
    const { node, next } = readDer(data);
    if (next !== data.length) throw new InputError('trailing bytes');
    return node;
  } catch (error) {
    throw new InputError(`${what}: not DER (${(error as Error).message})`, { cause: error });
  }
}

/** The children of a SEQUENCE, with a clear error when the shape is not what the caller expects. */
export function children(node: DerNode | undefined, what: string, tag: number = TAG.sequence): DerNode[] {
  if (!node || node.tag !== tag) throw new InputError(`${what}: expected tag 0x${tag.toString(16)}`);
  return derChildren(node);
}

export function oidOf(node: DerNode | undefined, what: string): string {
  if (!node || node.tag !== TAG.oid) throw new InputError(`${what}: expected an OID`);
  return decodeOid(node.value);
}

/** UTCTime (YYMMDDHHMMSSZ) or GeneralizedTime (YYYYMMDDHHMMSS[.f]Z), as RFC 5280 restricts them. */
export function parseTime(node: DerNode | undefined, what: string): Date {
  const text = node?.value.toString('latin1') ?? '';
  let m: RegExpExecArray | null = null;
  let year = 0;
  if (node?.tag === TAG.utcTime) {
    m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
    if (m) year = Number(m[1]) >= 50 ? 1900 + Number(m[1]) : 2000 + Number(m[1]);
  } else if (node?.tag === TAG.generalizedTime) {
    m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{1,9}))?Z$/.exec(text);
    if (m) year = Number(m[1]);
  }
  if (!m) throw new InputError(`${what}: not a UTCTime or GeneralizedTime`);
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  const date = new Date(
    Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms),
  );
  if (Number.isNaN(date.getTime())) throw new InputError(`${what}: invalid time`);
  return date;
}

export interface TbsParts {
  serial: Buffer;
  /** DER of the issuer Name. */
  issuer: Buffer;
  /** DER of the subject Name. */
  subject: Buffer;
  /** The subjectPublicKey BIT STRING contents without the unused-bits byte (what OCSP's key hash covers). */
  publicKeyBits: Buffer;
}

export function tbsParts(cert: X509Certificate): TbsParts {
  const certificate = children(parseDer(cert.raw, 'certificate'), 'certificate');
  const tbs = children(certificate[0], 'tbsCertificate');
  const fields = tbs[0]?.tag === 0xa0 ? tbs.slice(1) : tbs;
  const [serial, , issuer, , subject, spki] = fields;
  if (!serial || !issuer || !subject || !spki) throw new InputError('certificate: incomplete tbsCertificate');
  const key = children(spki, 'subjectPublicKeyInfo')[1];
  if (!key || key.tag !== TAG.bitString) throw new InputError('certificate: no subjectPublicKey');
  return {
    serial: serial.value,
    issuer: issuer.raw,
    subject: subject.raw,
    publicKeyBits: key.value.subarray(1),
  };
}

/** http(s) URIs among GeneralNames (`[6] IA5String`). */
export function uriNames(generalNames: DerNode[]): string[] {
  return generalNames.filter((n) => n.tag === 0x86).map((n) => n.value.toString('latin1'));
}

/** Maps the signature AlgorithmIdentifiers OCSP, CRL and CMS signers use onto node:crypto verify parameters. */
const SIGNATURE_ALGORITHMS: Record<string, { hash: string; kind: 'rsa' | 'ec' }> = {
  '1.2.840.113549.1.1.11': { hash: 'sha256', kind: 'rsa' },
  '1.2.840.113549.1.1.12': { hash: 'sha384', kind: 'rsa' },
  '1.2.840.113549.1.1.13': { hash: 'sha512', kind: 'rsa' },
  '1.2.840.10045.4.3.2': { hash: 'sha256', kind: 'ec' },
  '1.2.840.10045.4.3.3': { hash: 'sha384', kind: 'ec' },
  '1.2.840.10045.4.3.4': { hash: 'sha512', kind: 'ec' },
};
const RSA_PSS = '1.2.840.113549.1.1.10';
export const HASH_OIDS: Record<string, string> = {
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/**
 * Verifies `signature` over `data` with `key` as the AlgorithmIdentifier says. SHA-1 signatures are refused: a
 * revocation answer signed that way can be forged. Returns false for a wrong signature or an unusable key.
 */
export function verifyWithAlgorithm(
  algorithm: DerNode | undefined,
  key: KeyObject,
  data: Buffer,
  signature: Buffer,
): boolean {
  const parts = children(algorithm, 'signature algorithm');
  const name = oidOf(parts[0], 'signature algorithm');
  try {
    if (name === RSA_PSS) {
      // RSASSA-PSS-params: [0] hashAlgorithm, [1] maskGenAlgorithm, [2] saltLength (default SHA-1/20: refused).
      const params = parts[1] ? derChildren(parts[1]) : [];
      const hashNode = params.find((p) => p.tag === 0xa0);
      const hashOid = hashNode ? oidOf(derChildren(derChildren(hashNode)[0] as DerNode)[0], 'PSS hash') : '';
      const hash = HASH_OIDS[hashOid];
      if (!hash) return false;
      const saltNode = params.find((p) => p.tag === 0xa2);
      const saltBytes = saltNode ? derChildren(saltNode)[0]?.value : undefined;
      const saltLength = saltBytes && saltBytes.length <= 4 ? saltBytes.readUIntBE(0, saltBytes.length) : 20;
      return verify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, signature);
    }
    const known = SIGNATURE_ALGORITHMS[name];
    if (!known || known.kind !== key.asymmetricKeyType) return false;
    return verify(known.hash, data, key, signature);
  } catch {
    return false;
  }
}

/** The certificate in `candidates` that issued `cert` (name match and a verifying signature). */
export function issuerOf(
  cert: X509Certificate,
  candidates: readonly X509Certificate[],
): X509Certificate | undefined {
  return candidates.find((c) => cert.checkIssued(c) && cert.verify(c.publicKey));
}

/** A BIT STRING's bytes (the leading unused-bits count dropped). */
export function bitStringBytes(node: DerNode | undefined, what: string): Buffer {
  if (!node || node.tag !== TAG.bitString) throw new InputError(`${what}: expected a BIT STRING`);
  return node.value.subarray(1);
}
