// Test helper: a CA run by `openssl ca` whose code-signing leaves name a real OCSP responder (`openssl ocsp
// -index ... -port`) and a CRL distribution point (CRLs from `openssl ca -gencrl`, served by a small node HTTP
// server), all on 127.0.0.1. Revoking a leaf updates the CA database that both answer from.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { join } from 'node:path';

export interface RevocationLeaf {
  key: string;
  cert: string;
  /** leaf + root PEM bundle. */
  chain: string;
}

export interface RevocationCa {
  dir: string;
  rootCert: string;
  /** Notation trust store with the root under x509/ca/acme. */
  trustStore: string;
  ocspUrl: string;
  crlUrl: string;
  /** A URL on 127.0.0.1 where nothing listens. */
  deadUrl: string;
  /** The current CRL file (DER). */
  crlFile: string;
  /** How many times the CRL server was asked. */
  crlRequests(): number;
  issue(name: string, endpoints: { ocsp?: string; crl?: string }): RevocationLeaf;
  revoke(leaf: RevocationLeaf, reason?: string): void;
  /** Write a new CRL from the CA database (`openssl ca -gencrl`), valid for `hours`. */
  generateCrl(hours?: number): void;
  /**
   * Start another `openssl ocsp` on `port` signing with a responder certificate: `delegated` (issued by the CA
   * with the OCSPSigning EKU) or `rogue` (self-signed under the CA's name). Returns its URL.
   */
  startResponder(kind: 'delegated' | 'rogue', port: number): Promise<string>;
  freePort(): Promise<number>;
  /** Make the CRL server answer 503 (or serve again). */
  setCrlAvailable(available: boolean): void;
  stop(): Promise<void>;
}

function openssl(args: string[], cwd: string): string {
  return execFileSync('openssl', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

async function freePort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** openssl ocsp serves one connection at a time, so a probe connection would stall it: wait for its banner. */
async function waitForResponder(child: ChildProcess): Promise<void> {
  let log = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`openssl ocsp did not start: ${log}`)), 10_000);
    child.stderr?.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('waiting for OCSP client connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`openssl ocsp exited with ${code}: ${log}`));
    });
  });
}

export async function startRevocationCa(dir: string): Promise<RevocationCa> {
  mkdirSync(join(dir, 'newcerts'), { recursive: true });
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  writeFileSync(join(dir, 'crlnumber'), '1000\n');
  writeFileSync(
    join(dir, 'ca.cnf'),
    [
      '[ ca ]',
      'default_ca = test_ca',
      '[ test_ca ]',
      `dir = ${dir}`,
      'database = $dir/index.txt',
      'new_certs_dir = $dir/newcerts',
      'certificate = $dir/root.crt',
      'private_key = $dir/root.key',
      'serial = $dir/serial',
      'crlnumber = $dir/crlnumber',
      'default_md = sha256',
      'default_days = 30',
      'default_crl_days = 1',
      'policy = any_policy',
      'unique_subject = no',
      'preserve = yes',
      '[ any_policy ]',
      'countryName = optional',
      'stateOrProvinceName = optional',
      'organizationName = optional',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'root.key',
      '-out',
      'root.crt',
      '-days',
      '30',
      '-subj',
      '/C=US/ST=WA/O=Kubeward Test/CN=Revocation Test Root',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  const trustStore = join(dir, 'truststore');
  mkdirSync(join(trustStore, 'x509', 'ca', 'acme'), { recursive: true });
  writeFileSync(join(trustStore, 'x509', 'ca', 'acme', 'root.pem'), readFileSync(join(dir, 'root.crt')));

  const crlFile = join(dir, 'root.crl');
  let requests = 0;
  let available = true;
  const crlServer: Server = createServer((req, res) => {
    requests += 1;
    if (!available || req.url !== '/root.crl') {
      res.writeHead(available ? 404 : 503).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(readFileSync(crlFile));
  });
  await new Promise<void>((resolve) => crlServer.listen(0, '127.0.0.1', resolve));
  const crlPort = (crlServer.address() as AddressInfo).port;

  const generateCrl = (hours = 24): void => {
    openssl(
      ['ca', '-batch', '-config', 'ca.cnf', '-gencrl', '-crlhours', String(hours), '-out', 'root.crl.pem'],
      dir,
    );
    openssl(['crl', '-in', 'root.crl.pem', '-outform', 'DER', '-out', 'root.crl'], dir);
  };
  generateCrl();

  // A well-formed request (about the root itself) used to nudge the responder; see touchIndex.
  openssl(['ocsp', '-issuer', 'root.crt', '-cert', 'root.crt', '-no_nonce', '-reqout', 'nudge.der'], dir);
  const ocspPort = await freePort();
  // -nmin gives responses a nextUpdate; the responder re-reads index.txt when `openssl ca` changes it.
  const spawnResponder = async (port: number, signer: string, key: string): Promise<ChildProcess> => {
    const child = spawn(
      'openssl',
      [
        'ocsp',
        '-index',
        'index.txt',
        '-port',
        String(port),
        '-CA',
        'root.crt',
        '-rsigner',
        signer,
        '-rkey',
        key,
        '-nmin',
        '60',
        '-ignore_err',
      ],
      { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    await waitForResponder(child);
    return child;
  };
  const responder = await spawnResponder(ocspPort, 'root.crt', 'root.key');
  const extra: ChildProcess[] = [];
  const extraUrls: string[] = [];

  const ocspUrl = `http://127.0.0.1:${ocspPort}/`;
  // The responder reloads index.txt when its mtime changes, at one-second granularity: make every change visible.
  let bumps = 0;
  const touchIndex = (): void => {
    bumps += 1;
    const at = Math.floor(Date.now() / 1000) + 10 * bumps;
    utimesSync(join(dir, 'index.txt'), at, at);
    // It looks at the index only between connections, before blocking in accept: one throw-away request makes
    // it loop, so the next real request is answered from the new index.
    for (const url of [ocspUrl, ...extraUrls])
      execFileSync('curl', [
        '-sf',
        '-o',
        '/dev/null',
        '--max-time',
        '5',
        '-H',
        'content-type: application/ocsp-request',
        '--data-binary',
        `@${join(dir, 'nudge.der')}`,
        url,
      ]);
  };
  /** A P-256 key and a certificate for CN=name signed by the CA with the extensions in `<file>.ext`. */
  const issueFromCa = (name: string, file: string): void => {
    openssl(
      [
        'req',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-keyout',
        `${file}.key`,
        '-out',
        `${file}.csr`,
        '-subj',
        `/C=US/ST=WA/O=Kubeward Test/CN=${name}`,
      ],
      dir,
    );
    openssl(
      [
        'ca',
        '-batch',
        '-config',
        'ca.cnf',
        '-notext',
        '-in',
        `${file}.csr`,
        '-out',
        `${file}.crt`,
        '-extfile',
        `${file}.ext`,
      ],
      dir,
    );
    touchIndex();
  };
  return {
    dir,
    rootCert: join(dir, 'root.crt'),
    trustStore,
    ocspUrl,
    crlUrl: `http://127.0.0.1:${crlPort}/root.crl`,
    deadUrl: `http://127.0.0.1:${await freePort()}/`,
    crlFile,
    crlRequests: () => requests,
    issue(name, endpoints) {
      const base = join(dir, name);
      const ext = [
        'basicConstraints=CA:FALSE',
        'keyUsage=critical,digitalSignature',
        'extendedKeyUsage=codeSigning',
        ...(endpoints.ocsp ? [`authorityInfoAccess=OCSP;URI:${endpoints.ocsp}`] : []),
        ...(endpoints.crl ? [`crlDistributionPoints=URI:${endpoints.crl}`] : []),
        '',
      ].join('\n');
      writeFileSync(`${base}.ext`, ext);
      issueFromCa(name, base);
      writeFileSync(
        `${base}.chain.pem`,
        readFileSync(`${base}.crt`, 'utf8') + readFileSync(join(dir, 'root.crt'), 'utf8'),
      );
      return { key: `${base}.key`, cert: `${base}.crt`, chain: `${base}.chain.pem` };
    },
    revoke(leaf, reason = 'keyCompromise') {
      openssl(['ca', '-batch', '-config', 'ca.cnf', '-revoke', leaf.cert, '-crl_reason', reason], dir);
      touchIndex();
      generateCrl();
    },
    generateCrl,
    setCrlAvailable(value) {
      available = value;
    },
    async startResponder(kind, port) {
      // delegated: a responder certificate the CA issued for OCSP signing; rogue: a self-signed one it did not.
      const name = `responder-${kind}-${port}`;
      writeFileSync(
        join(dir, `${name}.ext`),
        'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=OCSPSigning\nnoCheck=ignored\n',
      );
      if (kind === 'delegated') {
        issueFromCa(name, name);
      } else {
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
            `${name}.key`,
            '-out',
            `${name}.crt`,
            '-days',
            '2',
            '-subj',
            '/C=US/ST=WA/O=Kubeward Test/CN=Revocation Test Root',
            '-addext',
            'extendedKeyUsage=OCSPSigning',
          ],
          dir,
        );
      }
      extra.push(await spawnResponder(port, `${name}.crt`, `${name}.key`));
      extraUrls.push(`http://127.0.0.1:${port}/`);
      return `http://127.0.0.1:${port}/`;
    },
    freePort,
    async stop() {
      responder.kill('SIGTERM');
      for (const child of extra) child.kill('SIGTERM');
      await new Promise<void>((resolve) => crlServer.close(() => resolve()));
    },
  };
}
