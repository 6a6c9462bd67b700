/**
 * Certificates: loading PEM/DER, and the Notary Project certificate requirements (signature-specification.md,
 * "Certificate Requirements"): a leaf with critical keyUsage digitalSignature only, no CA flag, a codeSigning EKU
 * when an EKU is present; CAs with critical basicConstraints CA:TRUE, keyCertSign, path length honoured; an
 * ordered chain ending in a self-signed root; every certificate valid at signing time.
 */
import { X509Certificate } from 'node:crypto';
import { InputError } from '../core/errors.js';
import { type CertUsage, OID, certUsage } from './der.js';

/** All certificates in a PEM bundle, or one DER certificate. */
export function parseCertificates(data: Buffer, what: string): X509Certificate[] {
  const text = data.toString('latin1');
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g);
  try {
    if (blocks) return blocks.map((pem) => new X509Certificate(pem));
    if (text.includes('-----BEGIN')) throw new Error('no CERTIFICATE block');
    return [new X509Certificate(data)];
  } catch (error) {
    throw new InputError(`${what}: not a certificate (${(error as Error).message})`, { cause: error });
  }
}

export function subjectOf(cert: X509Certificate): string {
  return cert.subject.split('\n').join(', ');
}

export function sha256Thumbprint(cert: X509Certificate): string {
  return cert.fingerprint256.replace(/:/g, '').toLowerCase();
}

function usageOf(cert: X509Certificate): CertUsage {
  try {
    return certUsage(cert);
  } catch (error) {
    throw new InputError(`certificate "${subjectOf(cert)}" has malformed extensions`, { cause: error });
  }
}

/** Why the leaf is not a code-signing certificate, or undefined when it is. */
export function leafProblem(cert: X509Certificate): string | undefined {
  const usage = usageOf(cert);
  const name = `leaf certificate "${subjectOf(cert)}"`;
  if (usage.basicConstraints?.ca) return `${name} is a CA certificate (basicConstraints CA:TRUE)`;
  if (!usage.keyUsage) return `${name} has no keyUsage extension`;
  if (!usage.keyUsage.critical) return `${name}: keyUsage must be marked critical`;
  if (!usage.keyUsage.bits.has('digitalSignature')) return `${name}: keyUsage lacks digitalSignature`;
  const extra = [...usage.keyUsage.bits].filter((b) => b !== 'digitalSignature' && b !== 'nonRepudiation');
  if (extra.length > 0) return `${name}: keyUsage must be digitalSignature only, found ${extra.join(', ')}`;
  const eku = usage.extKeyUsage;
  if (eku && eku.length > 0) {
    const banned: [string, string][] = [
      [OID.anyExtendedKeyUsage, 'anyExtendedKeyUsage'],
      [OID.serverAuth, 'serverAuth'],
      [OID.clientAuth, 'clientAuth'],
      [OID.emailProtection, 'emailProtection'],
      [OID.ocspSigning, 'OCSPSigning'],
      [OID.timeStamping, 'timeStamping'],
    ];
    for (const [oid, label] of banned)
      if (eku.includes(oid)) return `${name}: extendedKeyUsage contains ${label}`;
    if (!eku.includes(OID.codeSigning)) return `${name}: extendedKeyUsage lacks codeSigning`;
  }
  return keyProblem(cert, name);
}

function keyProblem(cert: X509Certificate, name: string): string | undefined {
  const key = cert.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    const bits = details.modulusLength ?? 0;
    if (![2048, 3072, 4096].includes(bits)) return `${name}: RSA key of ${bits} bits is not allowed`;
    return undefined;
  }
  if (key.asymmetricKeyType === 'ec') {
    if (!['prime256v1', 'secp384r1', 'secp521r1'].includes(details.namedCurve ?? ''))
      return `${name}: EC curve ${details.namedCurve ?? '?'} is not allowed`;
    return undefined;
  }
  return `${name}: key type ${key.asymmetricKeyType ?? '?'} is not allowed`;
}

function caProblem(cert: X509Certificate, belowCount: number): string | undefined {
  const usage = usageOf(cert);
  const name = `CA certificate "${subjectOf(cert)}"`;
  const bc = usage.basicConstraints;
  if (!bc || !bc.ca) return `${name}: basicConstraints CA:TRUE is missing`;
  if (!bc.critical) return `${name}: basicConstraints must be marked critical`;
  if (bc.pathLen !== undefined && bc.pathLen < belowCount)
    return `${name}: path length ${bc.pathLen} is shorter than the ${belowCount} intermediate(s) below it`;
  if (!usage.keyUsage) return `${name} has no keyUsage extension`;
  if (!usage.keyUsage.critical) return `${name}: keyUsage must be marked critical`;
  if (!usage.keyUsage.bits.has('keyCertSign')) return `${name}: keyUsage lacks keyCertSign`;
  return undefined;
}

function issuedBy(child: X509Certificate, parent: X509Certificate): boolean {
  return child.checkIssued(parent) && child.verify(parent.publicKey);
}

/**
 * Structure of the chain in the envelope, leaf first: ordering, signatures, requirements, and validity at
 * `signingTime`. Returns the first problem, or undefined.
 */
export function chainProblem(chain: readonly X509Certificate[], signingTime?: Date): string | undefined {
  const leaf = chain[0];
  if (!leaf) return 'the certificate chain is empty';
  for (const cert of chain) {
    if (signingTime) {
      const from = new Date(cert.validFrom);
      const to = new Date(cert.validTo);
      if (signingTime < from || signingTime > to)
        return `certificate "${subjectOf(cert)}" was not valid at the signing time ${signingTime.toISOString()} (valid ${from.toISOString()} to ${to.toISOString()})`;
    }
  }
  if (chain.length === 1) {
    if (!issuedBy(leaf, leaf)) return `the single certificate "${subjectOf(leaf)}" is not self-signed`;
    return leafProblem(leaf);
  }
  for (let i = 0; i < chain.length; i++) {
    const cert = chain[i] as X509Certificate;
    const parent = chain[i + 1];
    if (parent) {
      if (issuedBy(cert, cert))
        return `${i === 0 ? 'leaf' : 'intermediate'} certificate "${subjectOf(cert)}" is self-signed`;
      if (!issuedBy(cert, parent))
        return `certificate "${subjectOf(cert)}" is not issued by "${subjectOf(parent)}"`;
    } else if (!issuedBy(cert, cert)) {
      return `the chain does not end in a self-signed root ("${subjectOf(cert)}")`;
    }
    const problem = i === 0 ? leafProblem(cert) : caProblem(cert, i - 1);
    if (problem) return problem;
  }
  return undefined;
}

export function revocationEndpoints(chain: readonly X509Certificate[]): boolean {
  return chain.some((cert) => {
    const endpoints = usageOf(cert).revocationEndpoints;
    return endpoints.crl || endpoints.ocsp;
  });
}
