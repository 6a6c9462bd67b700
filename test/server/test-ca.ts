// Test helper: a throwaway CA and serving certificates for 127.0.0.1, made with openssl as LAB.md describes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCa {
  dir: string;
  caPem: string;
  /** Issue a serving certificate for 127.0.0.1 with this CN; returns the file paths. */
  issue(cn: string, into?: { certFile: string; keyFile: string }): { certFile: string; keyFile: string };
}

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
  writeFileSync(
    join(dir, 'ext.cnf'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n',
  );
  let serial = 0;
  return {
    dir,
    caPem: readFileSync(join(dir, 'ca.crt'), 'utf8'),
    issue(cn, into) {
      serial += 1;
      const base = `leaf-${serial}`;
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
          'ext.cnf',
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
