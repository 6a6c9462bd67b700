// Test helper: a throwaway CA that issues serving (127.0.0.1) and client certificates, made with openssl as
// LAB.md describes. Shared by the webhook, audit intake and CLI tests.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCa {
  dir: string;
  caPem: string;
  /**
   * Issue a certificate with this CN (by default a serving certificate for 127.0.0.1 and localhost; pass
   * CLIENT_EXTENSIONS for a client certificate); returns the file paths.
   */
  issue(
    cn: string,
    into?: { certFile: string; keyFile: string },
    extensions?: string,
  ): { certFile: string; keyFile: string };
}

export const SERVER_EXTENSIONS =
  'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n';
export const CLIENT_EXTENSIONS = 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n';

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export function createTestCa(): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'kw-ca-'));
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.crt',
      '-days',
      '2',
      '-subj',
      '/CN=kubeward test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  let serial = 0;
  return {
    dir,
    caPem: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    issue(cn, into, extensions = SERVER_EXTENSIONS) {
      serial += 1;
      const base = `leaf-${serial}`;
      writeFileSync(join(dir, `${base}.cnf`), extensions);
      openssl(
        [
          'req',
          '-newkey',
          'ec',
          '-pkeyopt',
          'ec_paramgen_curve:P-256',
          '-nodes',
          '-keyout',
          `${base}.key`,
          '-out',
          `${base}.csr`,
          '-subj',
          `/CN=${cn}`,
        ],
        dir,
      );
      openssl(
        [
          'x509',
          '-req',
          '-in',
          `${base}.csr`,
          '-CA',
          'ca.crt',
          '-CAkey',
          'ca.key',
          '-set_serial',
          String(1000 + serial),
          '-out',
          `${base}.crt`,
          '-days',
          '2',
          '-extfile',
          `${base}.cnf`,
        ],
        dir,
      );
      const made = { certFile: join(dir, `${base}.crt`), keyFile: join(dir, `${base}.key`) };
      if (!into) return made;
      writeFileSync(into.keyFile, readFileSync(made.keyFile));
      writeFileSync(into.certFile, readFileSync(made.certFile));
      return into;
    },
  };
}
