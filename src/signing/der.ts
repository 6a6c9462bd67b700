/**
 * Just enough DER to read the X.509 extensions node:crypto's X509Certificate does not expose (keyUsage bits,
 * basicConstraints, critical flags, CRL distribution points). Bounded: lengths are checked against the input.
 */
import { X509Certificate } from 'node:crypto';
import { InputError } from '../core/errors.js';

export interface DerNode {
  tag: number;
  /** Contents only. */
  value: Buffer;
  /** Whole TLV. */
  raw: Buffer;
}

export function readDer(buf: Buffer, offset = 0): { node: DerNode; next: number } {
  if (offset + 2 > buf.length) throw new InputError('DER: truncated header');
  const tag = buf[offset] as number;
  if ((tag & 0x1f) === 0x1f) throw new InputError('DER: multi-byte tags are not supported');
  let len = buf[offset + 1] as number;
  let pos = offset + 2;
  if (len & 0x80) {
    const count = len & 0x7f;
    if (count === 0 || count > 4) throw new InputError('DER: unsupported length encoding');
    if (pos + count > buf.length) throw new InputError('DER: truncated length');
    len = 0;
    for (let i = 0; i < count; i++) len = len * 256 + (buf[pos + i] as number);
    pos += count;
  }
  if (pos + len > buf.length) throw new InputError('DER: length past the end of the input');
  return {
    node: { tag, value: buf.subarray(pos, pos + len), raw: buf.subarray(offset, pos + len) },
    next: pos + len,
  };
}

export function derChildren(node: DerNode): DerNode[] {
  const out: DerNode[] = [];
  let pos = 0;
  while (pos < node.value.length) {
    const { node: child, next } = readDer(node.value, pos);
    out.push(child);
    pos = next;
    if (out.length > 10_000) throw new InputError('DER: too many elements');
  }
  return out;
}

export function decodeOid(value: Buffer): string {
  const parts: number[] = [];
  let acc = 0;
  for (const byte of value) {
    acc = acc * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      if (parts.length === 0) parts.push(acc < 80 ? Math.floor(acc / 40) : 2, acc < 80 ? acc % 40 : acc - 80);
      else parts.push(acc);
      acc = 0;
    }
  }
  return parts.join('.');
}

export interface CertExtension {
  oid: string;
  critical: boolean;
  value: Buffer;
}

export const OID = {
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
  extKeyUsage: '2.5.29.37',
  crlDistributionPoints: '2.5.29.31',
  authorityInfoAccess: '1.3.6.1.5.5.7.1.1',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: '1.3.6.1.5.5.7.3.8',
  ocspSigning: '1.3.6.1.5.5.7.3.9',
  anyExtendedKeyUsage: '2.5.29.37.0',
} as const;

/** Extensions of a certificate, from tbsCertificate's [3] field. */
export function certExtensions(cert: X509Certificate): CertExtension[] {
  const { node: certificate } = readDer(cert.raw);
  const tbs = derChildren(certificate)[0];
  if (!tbs) throw new InputError('certificate: no tbsCertificate');
  const wrapper = derChildren(tbs).find((n) => n.tag === 0xa3);
  if (!wrapper) return [];
  const list = derChildren(wrapper)[0];
  if (!list) return [];
  return derChildren(list).map((ext) => {
    const parts = derChildren(ext);
    const oid = parts[0] ? decodeOid(parts[0].value) : '';
    const critical = parts.length === 3 && parts[1]?.tag === 0x01 && parts[1].value[0] !== 0;
    const value = parts[parts.length - 1]?.value ?? Buffer.alloc(0);
    return { oid, critical, value };
  });
}

export interface CertUsage {
  keyUsage?: { critical: boolean; bits: Set<KeyUsageBit> };
  basicConstraints?: { critical: boolean; ca: boolean; pathLen?: number };
  extKeyUsage?: string[];
  /** CRL distribution points or an OCSP responder are named: revocation could be checked online. */
  revocationEndpoints: { crl: boolean; ocsp: boolean };
}

export type KeyUsageBit =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly';

const KEY_USAGE_BITS: KeyUsageBit[] = [
  'digitalSignature',
  'nonRepudiation',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
];

export function certUsage(cert: X509Certificate): CertUsage {
  const usage: CertUsage = { revocationEndpoints: { crl: false, ocsp: false } };
  for (const ext of certExtensions(cert)) {
    const { node } = readDer(ext.value);
    switch (ext.oid) {
      case OID.keyUsage: {
        // BIT STRING: first byte is the count of unused bits.
        const bits = new Set<KeyUsageBit>();
        node.value.subarray(1).forEach((byte, i) => {
          for (let b = 0; b < 8; b++) {
            const name = KEY_USAGE_BITS[i * 8 + b];
            if (name && byte & (0x80 >> b)) bits.add(name);
          }
        });
        usage.keyUsage = { critical: ext.critical, bits };
        break;
      }
      case OID.basicConstraints: {
        const parts = derChildren(node);
        const ca = parts[0]?.tag === 0x01 && parts[0].value[0] !== 0;
        const lenNode = parts.find((p) => p.tag === 0x02);
        usage.basicConstraints = {
          critical: ext.critical,
          ca,
          ...(lenNode ? { pathLen: lenNode.value.reduce((a, b) => a * 256 + b, 0) } : {}),
        };
        break;
      }
      case OID.extKeyUsage:
        usage.extKeyUsage = derChildren(node).map((p) => decodeOid(p.value));
        break;
      case OID.crlDistributionPoints:
        usage.revocationEndpoints.crl = true;
        break;
      case OID.authorityInfoAccess:
        usage.revocationEndpoints.ocsp = derChildren(node).some(
          (ad) => decodeOid(derChildren(ad)[0]?.value ?? Buffer.alloc(0)) === '1.3.6.1.5.5.7.48.1',
        );
        break;
      default:
        break;
    }
  }
  return usage;
}
