// Test helper: a throw-away PKI made with openssl: trusted and untrusted roots, RSA and EC code-signing leaves,
// a short-lived leaf for expiry cases, and a leaf without the codeSigning EKU.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestPki {
  dir: string;
  rootCert: string;
  untrustedRootCert: string;
  rsa: Leaf;
  ec: Leaf;
  shortLived: Leaf;
  serverAuth: Leaf;
  untrusted: Leaf;
  trustStore: string;
}

export interface Leaf {
  key: string;
  cert: string;
  /** leaf + root PEM bundle. */
  chain: string;
}

function openssl(args: string[]): void {
  execFileSync('openssl', args, { stdio: 'ignore' });
}

function root(dir: string, name: string, subject: string): { key: string; cert: string } {
  const key = join(dir, `${name}.key`);
  const cert = join(dir, `${name}.crt`);
  openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    key,
    '-out',
    cert,
    '-days',
    '3650',
    '-subj',
    subject,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  return { key, cert };
}

function leaf(
  dir: string,
  name: string,
  ca: { key: string; cert: string },
  opts: { keyArgs: string[]; days: number; eku: string; subject?: string },
): Leaf {
  const key = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const cert = join(dir, `${name}.crt`);
  const ext = join(dir, `${name}.ext`);
  writeFileSync(
    ext,
    `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=${opts.eku}\n`,
  );
  openssl([
    'req',
    '-newkey',
    ...opts.keyArgs,
    '-nodes',
    '-keyout',
    key,
    '-out',
    csr,
    '-subj',
    opts.subject ?? `/C=US/ST=WA/L=Seattle/O=Kubeward Test/CN=${name}`,
  ]);
  openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca.cert,
    '-CAkey',
    ca.key,
    '-CAcreateserial',
    '-out',
    cert,
    '-days',
    String(opts.days),
    '-extfile',
    ext,
  ]);
  const chain = join(dir, `${name}.chain.pem`);
  writeFileSync(chain, readFileSync(cert, 'utf8') + readFileSync(ca.cert, 'utf8'));
  return { key, cert, chain };
}

export function makePki(dir: string): TestPki {
  mkdirSync(dir, { recursive: true });
  const ca = root(dir, 'root', '/C=US/ST=WA/O=Kubeward Test/CN=Kubeward Test Root');
  const other = root(dir, 'other-root', '/C=US/ST=WA/O=Elsewhere/CN=Untrusted Root');
  const rsaArgs = ['rsa:2048'];
  const ecArgs = ['ec', '-pkeyopt', 'ec_paramgen_curve:P-256'];
  const trustStore = join(dir, 'truststore');
  mkdirSync(join(trustStore, 'x509', 'ca', 'acme'), { recursive: true });
  writeFileSync(join(trustStore, 'x509', 'ca', 'acme', 'root.pem'), readFileSync(ca.cert));
  return {
    dir,
    rootCert: ca.cert,
    untrustedRootCert: other.cert,
    rsa: leaf(dir, 'rsa-signer', ca, { keyArgs: rsaArgs, days: 3000, eku: 'codeSigning' }),
    ec: leaf(dir, 'ec-signer', ca, { keyArgs: ecArgs, days: 3000, eku: 'codeSigning' }),
    shortLived: leaf(dir, 'short-signer', ca, { keyArgs: ecArgs, days: 1, eku: 'codeSigning' }),
    serverAuth: leaf(dir, 'server-signer', ca, { keyArgs: ecArgs, days: 3000, eku: 'serverAuth' }),
    untrusted: leaf(dir, 'untrusted-signer', other, { keyArgs: ecArgs, days: 3000, eku: 'codeSigning' }),
    trustStore,
  };
}

export function policy(level: string, extra: Record<string, unknown> = {}): unknown {
  return {
    version: '1.0',
    trustPolicies: [
      {
        name: 'test',
        registryScopes: ['*'],
        signatureVerification: { level, ...extra },
        trustStores: ['ca:acme'],
        trustedIdentities: ['x509.subject: C=US, ST=WA, O=Kubeward Test'],
      },
    ],
  };
}
