// A CA and a serving certificate for the webhook Service, made with openssl (node:crypto parses X.509 but cannot
// issue it). For clusters without cert-manager; rotate by re-rendering and re-applying.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RemoteError, errorMessage } from '../core/errors.js';

export interface ServingCerts {
  caPem: string;
  certPem: string;
  keyPem: string;
}

const run = promisify(execFile);

/** DNS names the API server uses to reach `service` in `namespace`. */
export function serviceDnsNames(service: string, namespace: string): string[] {
  return [
    service,
    `${service}.${namespace}`,
    `${service}.${namespace}.svc`,
    `${service}.${namespace}.svc.cluster.local`,
  ];
}

export async function generateServingCerts(dnsNames: readonly string[], days = 365): Promise<ServingCerts> {
  const dir = await mkdtemp(join(tmpdir(), 'kubeward-certs-'));
  const openssl = async (args: string[]) => {
    try {
      await run('openssl', args, { cwd: dir });
    } catch (error) {
      throw new RemoteError(`openssl ${args[0]}: ${errorMessage(error).split('\n')[0]}`, { cause: error });
    }
  };
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    await openssl([
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      String(days),
      '-subj',
      '/CN=kubeward webhook CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    await openssl([
      'req',
      ...ec,
      '-keyout',
      'tls.key',
      '-out',
      'tls.csr',
      '-subj',
      `/CN=${dnsNames[0] ?? 'kubeward-webhook'}`,
    ]);
    await writeFile(
      join(dir, 'ext.cnf'),
      `subjectAltName=${dnsNames.map((n) => `DNS:${n}`).join(',')}\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\nbasicConstraints=CA:FALSE\n`,
    );
    await openssl([
      'x509',
      '-req',
      '-in',
      'tls.csr',
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'tls.crt',
      '-days',
      String(days),
      '-extfile',
      'ext.cnf',
    ]);
    const [caPem, certPem, keyPem] = await Promise.all(
      ['ca.crt', 'tls.crt', 'tls.key'].map((f) => readFile(join(dir, f), 'utf8')),
    );
    return { caPem: caPem ?? '', certPem: certPem ?? '', keyPem: keyPem ?? '' };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
