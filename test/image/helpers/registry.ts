// Test helper: a real Debian `docker-registry` (distribution 2.8) on 127.0.0.1 with a free port, in each auth
// mode of ../../../../shared/LAB.md, plus a small Node token server for the Bearer flow.
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { createSign, randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export interface RegistryOptions {
  dir: string;
  auth?: 'htpasswd' | 'token';
  tls?: boolean;
  /** Reuse storage of another registry (same images, different auth). */
  storage?: string;
}

export interface RunningRegistry {
  host: string;
  port: number;
  storage: string;
  caFile?: string;
  /** Directory with ca.crt for skopeo --dest-cert-dir. */
  certDir?: string;
  user: string;
  password: string;
  /** SIGKILL simulates a crash; SIGTERM lets the registry drain its connections. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export const USER = 'labuser';
export const PASSWORD = 'labpass';

export async function startRegistry(options: RegistryOptions): Promise<RunningRegistry> {
  mkdirSync(options.dir, { recursive: true });
  const storage = options.storage ?? join(options.dir, 'data');
  mkdirSync(storage, { recursive: true });
  const lines = [
    'version: 0.1',
    'log:',
    '  level: info',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${storage}`,
    '  delete:',
    '    enabled: true',
    'http:',
    '  addr: 127.0.0.1:0',
    '  secret: kubeward-test',
  ];
  let caFile: string | undefined;
  let certDir: string | undefined;
  if (options.tls) {
    certDir = join(options.dir, 'certs');
    mkdirSync(certDir, { recursive: true });
    makeTestCa(certDir);
    caFile = join(certDir, 'ca.crt');
    lines.push(
      '  tls:',
      `    certificate: ${join(options.dir, 'server.crt')}`,
      `    key: ${join(options.dir, 'server.key')}`,
    );
    makeServerCert(certDir, options.dir);
  }
  let tokenServer: Server | undefined;
  if (options.auth === 'htpasswd') {
    const htpasswd = execFileSync('htpasswd', ['-Bbn', USER, PASSWORD], { encoding: 'utf8' });
    writeFileSync(join(options.dir, 'htpasswd'), htpasswd);
    lines.push('auth:', '  htpasswd:', '    realm: test-realm', `    path: ${join(options.dir, 'htpasswd')}`);
  } else if (options.auth === 'token') {
    const { server, realm, certFile } = await startTokenServer(options.dir);
    tokenServer = server;
    lines.push(
      'auth:',
      '  token:',
      `    realm: ${realm}`,
      '    service: test-registry',
      '    issuer: test-issuer',
      `    rootcertbundle: ${certFile}`,
    );
  }
  const config = join(options.dir, 'config.yml');
  writeFileSync(config, `${lines.join('\n')}\n`);
  const child = spawn('docker-registry', ['serve', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await waitForPort(child);
  return {
    host: `127.0.0.1:${port}`,
    port,
    storage,
    ...(caFile ? { caFile } : {}),
    ...(certDir ? { certDir } : {}),
    user: USER,
    password: PASSWORD,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      child.kill(signal);
      await new Promise<void>((resolve) =>
        child.exitCode !== null || child.signalCode !== null
          ? resolve()
          : child.once('exit', () => resolve()),
      );
      await new Promise<void>((resolve) => (tokenServer ? tokenServer.close(() => resolve()) : resolve()));
    },
  };
}

function waitForPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`registry did not start:\n${log}`)), 10_000);
    const onData = (chunk: Buffer): void => {
      log += chunk.toString();
      const m = /listening on (?:127\.0\.0\.1|\[::\]):(\d+)/.exec(log);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`registry exited with ${code}:\n${log}`));
    });
  });
}

function makeTestCa(certDir: string): void {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      join(certDir, 'ca.key'),
      '-out',
      join(certDir, 'ca.crt'),
      '-days',
      '2',
      '-subj',
      '/CN=kubeward Test CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    { stdio: 'ignore' },
  );
}

function makeServerCert(certDir: string, dir: string): void {
  const ext = join(dir, 'server.ext');
  writeFileSync(
    ext,
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n',
  );
  execFileSync(
    'openssl',
    [
      'req',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      join(dir, 'server.key'),
      '-out',
      join(dir, 'server.csr'),
      '-subj',
      '/CN=127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  execFileSync(
    'openssl',
    [
      'x509',
      '-req',
      '-in',
      join(dir, 'server.csr'),
      '-CA',
      join(certDir, 'ca.crt'),
      '-CAkey',
      join(certDir, 'ca.key'),
      '-CAcreateserial',
      '-out',
      join(dir, 'server.crt'),
      '-days',
      '2',
      '-extfile',
      ext,
    ],
    { stdio: 'ignore' },
  );
  // The CA key must not sit in the directory skopeo reads certificates from.
  execFileSync('mv', [join(certDir, 'ca.key'), join(dir, 'ca.key')]);
}

/** Issues RS256 JWTs with an x5c header, the format distribution's token auth verifies. */
async function startTokenServer(dir: string): Promise<{ server: Server; realm: string; certFile: string }> {
  const keyFile = join(dir, 'token.key');
  const certFile = join(dir, 'token.crt');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '2',
      '-subj',
      '/CN=token-signer',
    ],
    { stdio: 'ignore' },
  );
  const key = readFileSync(keyFile, 'utf8');
  const der = readFileSync(certFile, 'utf8').replace(/-----[^-]+-----|\s/g, '');
  const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const auth = req.headers.authorization;
    let subject = '';
    if (auth) {
      const [user, pass] = Buffer.from(auth.replace(/^Basic /, ''), 'base64')
        .toString()
        .split(':');
      if (user !== USER || pass !== PASSWORD) {
        res.writeHead(401).end('{"details":"invalid username/password"}');
        return;
      }
      subject = user;
    }
    const access = url.searchParams.getAll('scope').flatMap((scope) => {
      const [type, name, actions] = scope.split(':');
      // Anonymous users get nothing; the registry then answers 401 with insufficient_scope.
      return subject && type && name ? [{ type, name, actions: (actions ?? '').split(',') }] : [];
    });
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', x5c: [der] }));
    const claims = b64url(
      JSON.stringify({
        iss: 'test-issuer',
        sub: subject,
        aud: url.searchParams.get('service'),
        exp: now + 300,
        nbf: now - 10,
        iat: now,
        jti: randomUUID(),
        access,
      }),
    );
    const signature = createSign('RSA-SHA256').update(`${header}.${claims}`).sign(key);
    const token = `${header}.${claims}.${b64url(signature)}`;
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ token, access_token: token, expires_in: 300 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { server, realm: `http://127.0.0.1:${port}/token`, certFile };
}

/**
 * skopeo copy into the registry, with credentials and TLS as the registry needs. Asynchronous on purpose: the
 * token server runs in this process and must keep answering while skopeo waits for tokens.
 */
export async function pushWithSkopeo(
  source: string,
  registry: RunningRegistry,
  repoTag: string,
  extra: string[] = [],
): Promise<void> {
  const args = ['copy', '--quiet', ...extra];
  if (registry.certDir) args.push('--dest-cert-dir', registry.certDir);
  else args.push('--dest-tls-verify=false');
  args.push(
    '--dest-creds',
    `${registry.user}:${registry.password}`,
    source,
    `docker://${registry.host}/${repoTag}`,
  );
  await promisify(execFile)('skopeo', args);
}
