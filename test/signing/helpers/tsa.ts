// Test helper: an RFC 3161 timestamp authority made of `openssl ts -reply` (the real signer) behind a small node
// HTTP server on 127.0.0.1, with its own root CA and a TSA certificate carrying the critical timeStamping EKU.
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface TestTsa {
  url: string;
  rootCert: string;
  /** How many tokens were issued. */
  requests(): number;
  stop(): Promise<void>;
}

const run = promisify(execFile);

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

export async function startTsa(dir: string, name = 'Kubeward Test TSA'): Promise<TestTsa> {
  mkdirSync(dir, { recursive: true });
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'tsa-root.key',
      '-out',
      'tsa-root.crt',
      '-days',
      '3650',
      '-subj',
      `/C=US/ST=WA/O=${name}/CN=${name} Root`,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  writeFileSync(
    join(dir, 'tsa.ext'),
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n',
  );
  openssl(
    [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'tsa.key',
      '-out',
      'tsa.csr',
      '-subj',
      `/C=US/ST=WA/O=${name}/CN=${name}`,
    ],
    dir,
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'tsa.csr',
      '-CA',
      'tsa-root.crt',
      '-CAkey',
      'tsa-root.key',
      '-CAcreateserial',
      '-out',
      'tsa.crt',
      '-days',
      '3650',
      '-extfile',
      'tsa.ext',
    ],
    dir,
  );
  writeFileSync(join(dir, 'tsaserial'), '01\n');
  writeFileSync(
    join(dir, 'tsa.cnf'),
    [
      '[ tsa ]',
      'default_tsa = test_tsa',
      '[ test_tsa ]',
      `dir = ${dir}`,
      'serial = $dir/tsaserial',
      'crypto_device = builtin',
      'signer_cert = $dir/tsa.crt',
      'certs = $dir/tsa-root.crt',
      'signer_key = $dir/tsa.key',
      'signer_digest = sha256',
      'default_policy = 1.3.6.1.4.1.99999.1',
      'digests = sha256, sha384, sha512',
      'ordering = yes',
      'tsa_name = yes',
      'ess_cert_id_chain = no',
      'ess_cert_id_alg = sha256',
      '',
    ].join('\n'),
  );
  let count = 0;
  let sequence = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      sequence += 1;
      const query = join(dir, `q${sequence}.tsq`);
      const reply = join(dir, `r${sequence}.tsr`);
      writeFileSync(query, Buffer.concat(chunks));
      run('openssl', [
        'ts',
        '-reply',
        '-config',
        join(dir, 'tsa.cnf'),
        '-queryfile',
        query,
        '-out',
        reply,
      ]).then(
        () => {
          count += 1;
          res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(readFileSync(reply));
        },
        () => res.writeHead(400).end(),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    rootCert: join(dir, 'tsa-root.crt'),
    requests: () => count,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
