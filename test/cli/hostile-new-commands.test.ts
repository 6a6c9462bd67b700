// Hostile input against the commands added with the store: sign/verify flag files that never end (/dev/zero,
// a FIFO), credentials in --timestamp-url, a CRL file given as --crl-cache, --record-build misuse caught before
// the scan, escape sequences in files that are not JSON, and a registry that accepts connections and never
// answers. Everything runs the real CLI in-process; the registry is the real docker-registry, the silent server a
// real TCP listener on 127.0.0.1.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { Command } from 'commander';
import { registerDashboard } from '../../src/cli/commands/dashboard.js';
import type { CliContext } from '../../src/cli/context.js';
import { runCli } from '../../src/cli/run.js';
import { fixedClock } from '../../src/core/clock.js';
import { readLedgerFile } from '../../src/scan/build-ledger.js';
import { openStore } from '../../src/store/index.js';
import { type RunningRegistry, pushWithSkopeo, startRegistry } from '../image/helpers/registry.js';
import { testImages } from '../image/helpers/test-images.js';
import { buildVulnDb } from '../scan/registry-scan/helpers/vuln-db.js';
import { type TestPki, makePki, policy } from '../signing/pki.js';
import { testContext } from './run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'kubeward-hostile-new-'));
const ESC = '\u001b';
const DIGEST = `sha256:${'c'.repeat(64)}`;

async function kubeward(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  stdin = '',
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readStdin: async () => stdin,
    isTTY: false,
    cwd: work,
    env: { KUBEWARD_CACHE_DIR: join(work, 'cache'), KUBEWARD_STATE_DIR: join(work, 'state'), ...env },
    clock: fixedClock(new Date(Date.now() + 60_000).toISOString()),
    setExitCode: () => undefined,
  });
  return { code, stdout, stderr };
}

/** One line on stderr, no stack trace, no escape character. */
function assertOneLine(stderr: string): void {
  const lines = stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, stderr);
  assert.doesNotMatch(stderr, /\n\s+at /);
  assert.ok(!stderr.includes(ESC), JSON.stringify(stderr));
}

let pki: TestPki;
before(() => {
  pki = makePki(join(work, 'pki'));
  writeFileSync(join(work, 'strict.json'), JSON.stringify(policy('strict')));
  mkdirSync(join(work, 'a-directory'));
  execFileSync('mkfifo', [join(work, 'fifo')]);
  writeFileSync(join(work, 'escapes.json'), `${ESC}[2J${ESC}]0;owned\u0007`);
  writeFileSync(join(work, 'not-a-crl.crl'), 'this is not a CRL\n');
});
after(() => rmSync(work, { recursive: true, force: true }));

describe('sign: flag files and --timestamp-url', () => {
  const sign = (...extra: string[]) =>
    kubeward(['sign', 'registry.invalid/app:1', '--key', pki.ec.key, '--cert', pki.ec.chain, ...extra]);

  it('refuses credentials in --timestamp-url with exit 2, naming the flag and never echoing the password', async () => {
    const run = await sign(
      '--timestamp-url',
      'http://tsa-user:tsa-s3cret@127.0.0.1:9/',
      '--timestamp-root-cert',
      pki.ec.chain,
    );
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /--timestamp-url: credentials in the URL/);
    assert.ok(!run.stderr.includes('tsa-s3cret'), run.stderr);
    assertOneLine(run.stderr);
  });

  it('refuses an https or malformed --timestamp-url as a usage error before contacting the registry', async () => {
    for (const url of ['https://tsa.example/', 'ftp://tsa.example/', 'not a url']) {
      const run = await sign('--timestamp-url', url, '--timestamp-root-cert', pki.ec.chain);
      assert.equal(run.code, 2, `${url}: ${run.stderr}`);
      assert.match(run.stderr, /^kubeward: error: --timestamp-url: /);
      assertOneLine(run.stderr);
    }
  });

  it('does not hang on --key /dev/zero or a FIFO, and names a directory as one (exit 2)', async () => {
    const cases: [string, RegExp][] = [
      ['/dev/zero', /--key \/dev\/zero: not a regular file/],
      [join(work, 'fifo'), /--key .*fifo: not a regular file/],
      [join(work, 'a-directory'), /--key .*a-directory: is a directory/],
      [join(work, 'missing.pem'), /--key .*missing\.pem: cannot read: ENOENT/],
    ];
    for (const [key, message] of cases) {
      const run = await kubeward(['sign', 'registry.invalid/app:1', '--key', key, '--cert', pki.ec.chain]);
      assert.equal(run.code, 2, `${key}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assertOneLine(run.stderr);
    }
    const cert = await kubeward([
      'sign',
      'registry.invalid/app:1',
      '--key',
      pki.ec.key,
      '--cert',
      '/dev/zero',
    ]);
    assert.equal(cert.code, 2, cert.stderr);
    assert.match(cert.stderr, /--cert \/dev\/zero: not a regular file/);
  });
});

describe('verify: flag files, --media-type and --crl-cache', () => {
  const envelopeArgs = (envelope: string, ...extra: string[]) => [
    'verify',
    '--envelope',
    envelope,
    '--media-type',
    'application/cose',
    '--artifact',
    `registry.example/app@${DIGEST}`,
    '--trust-policy',
    'strict.json',
    '--trust-store',
    pki.trustStore,
    ...extra,
  ];

  it('does not hang on --envelope /dev/zero or a FIFO (exit 2 naming the flag)', async () => {
    for (const envelope of ['/dev/zero', join(work, 'fifo')]) {
      const run = await kubeward(envelopeArgs(envelope));
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /--envelope .*: not a regular file/);
      assertOneLine(run.stderr);
    }
  });

  it('refuses an unknown --media-type as a usage error instead of a rejected signature', async () => {
    const args = envelopeArgs('escapes.json');
    args[args.indexOf('application/cose')] = 'text/plain';
    const run = await kubeward(args);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /--media-type/);
    assert.equal(run.stdout, '');
  });

  it('refuses a CRL file given as --crl-cache (it would be skipped silently) with exit 2', async () => {
    const run = await kubeward(envelopeArgs('escapes.json', '--offline', '--crl-cache', 'not-a-crl.crl'));
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /--crl-cache not-a-crl\.crl: not a directory \(give CRL files with --crl\)/);
    assertOneLine(run.stderr);
  });
});

describe('image scan --record-build: misuse is caught before the scan', () => {
  // 127.0.0.1:9 (discard) refuses connections: had the scan started, the error would be exit 3 about the registry.
  const scan = (...extra: string[]) =>
    kubeward([
      'image',
      'scan',
      '127.0.0.1:9/app:1',
      '--insecure',
      '--record-build',
      '--pipeline',
      'ci#1',
      ...extra,
    ]);

  it('--ledger and --store together are exit 2, and no store file is created', async () => {
    const run = await scan('--ledger', 'builds.jsonl', '--store', 'other.db');
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /--ledger and --store: give one/);
    assert.equal(existsSync(join(work, 'other.db')), false);
    assert.equal(existsSync(join(work, 'builds.jsonl')), false);
  });

  it('a --ledger that is a directory is exit 2 naming it', async () => {
    const run = await scan('--ledger', 'a-directory');
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /--ledger a-directory: not a regular file/);
  });

  it('a local layout or archive is exit 2 (nothing to record) without reading it', async () => {
    const run = await kubeward(['image', 'scan', 'oci:a-directory', '--record-build', '--pipeline', 'ci#1']);
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /--record-build needs an image in a registry/);
  });
});

describe('escape sequences from files that are not JSON stay off the terminal', () => {
  it('report FILE: exit 3, one line, the bytes shown as \\xNN', async () => {
    const run = await kubeward(['report', 'escapes.json', '--format', 'json']);
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /escapes\.json: not JSON: .*\\x1b\[2J/);
    assertOneLine(run.stderr);
  });

  it('report -o FILE is relative to the working directory; -o - is stdout', async () => {
    const verification = join(work, 'verify.json');
    const run = await kubeward([
      'verify',
      '--envelope',
      'escapes.json',
      '--media-type',
      'application/cose',
      '--artifact',
      `registry.example/app@${DIGEST}`,
      '--trust-policy',
      'strict.json',
      '--trust-store',
      pki.trustStore,
      '--format',
      'json',
    ]);
    assert.equal(run.code, 1, run.stderr);
    writeFileSync(verification, run.stdout);
    const toFile = await kubeward(['report', 'verify.json', '--format', 'json', '-o', 'card.json']);
    assert.equal(toFile.code, 0, toFile.stderr);
    assert.equal(toFile.stdout, '');
    const card = JSON.parse(readFileSync(join(work, 'card.json'), 'utf8')) as {
      inputs: { source: string }[];
    };
    assert.deepEqual(
      card.inputs.map((i) => i.source),
      ['verify.json'],
    );
    const toStdout = await kubeward(['report', 'verify.json', '--format', 'json', '-o', '-']);
    assert.equal(toStdout.code, 0, toStdout.stderr);
    assert.ok(JSON.parse(toStdout.stdout));
  });

  it('a ledger line that is not JSON: the error names file and line, with the bytes made visible', async () => {
    const ledger = join(work, 'escapes.jsonl');
    writeFileSync(ledger, `${ESC}[2Jgarbage\n`);
    await assert.rejects(readLedgerFile(ledger), (error: Error) => {
      assert.match(error.message, /escapes\.jsonl:1: not JSON \(.*\\x1b\[2J/);
      assert.ok(!error.message.includes(ESC));
      return true;
    });
  });
});

describe('--store given another SQLite database', () => {
  it('is refused (exit 3) by report and dashboard, and the file is left exactly as it was', async () => {
    const other = join(work, 'someone-elses.sqlite');
    const foreign = new Database(other);
    foreign.exec(
      "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT); INSERT INTO meta VALUES ('format', '3')",
    );
    foreign.close();
    const before = readFileSync(other);
    for (const args of [
      ['report', '--store', 'someone-elses.sqlite', '--format', 'json'],
      ['dashboard', '--store', 'someone-elses.sqlite', '--listen', '127.0.0.1:0'],
    ]) {
      const run = await kubeward(args);
      assert.equal(run.code, 3, run.stderr);
      assert.match(
        run.stderr,
        /someone-elses\.sqlite: not a kubeward store \(an SQLite database with other tables: meta\)/,
      );
      assertOneLine(run.stderr);
    }
    assert.deepEqual(readFileSync(other), before);
    assert.equal(existsSync(`${other}-wal`), false);
  });
});

describe('dashboard on an address other machines can reach', () => {
  async function serveOnce(listen: string): Promise<string> {
    const storePath = join(work, 'dashboard-store.db');
    await (await openStore(storePath)).close();
    let stderr = '';
    let stop: (name: string) => void = () => undefined;
    const ctx: CliContext = testContext({ stderr: (t) => (stderr += t), cwd: work });
    const program = new Command('kubeward').exitOverride();
    registerDashboard(program, ctx, () => new Promise((resolve) => (stop = resolve)));
    const served = program.parseAsync(['dashboard', '--store', storePath, '--listen', listen], {
      from: 'user',
    });
    const deadline = Date.now() + 10_000;
    while (!stderr.includes('listening on') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20));
    stop('test');
    await served;
    return stderr;
  }

  it('warns that there is no authentication when not on loopback, and not on 127.0.0.1', async () => {
    const open = await serveOnce('0.0.0.0:0');
    assert.match(open, /listening on http:\/\/0\.0\.0\.0:\d+\//);
    assert.match(open, /warning: the dashboard has no authentication/);
    const local = await serveOnce('127.0.0.1:0');
    assert.match(local, /listening on http:\/\/127\.0\.0\.1:\d+\//);
    assert.doesNotMatch(local, /warning/);
  });
});

describe('registry scan against a registry that accepts connections and never answers', () => {
  let silent: Server;
  const sockets: Socket[] = [];
  const db = join(work, 'vulndb.sqlite');
  before(async () => {
    await buildVulnDb(db, [], '2026-01-01T00:00:00Z');
    silent = createServer((socket) => {
      sockets.push(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('--timeout bounds every request: exit 3 with one line, well before the old four minutes', async () => {
    const port = (silent.address() as AddressInfo).port;
    const started = Date.now();
    const run = await kubeward([
      'registry',
      'scan',
      `127.0.0.1:${port}`,
      '--insecure',
      '--db',
      db,
      '--timeout',
      '1s',
      '--format',
      'json',
    ]);
    const seconds = (Date.now() - started) / 1000;
    assert.equal(run.code, 3, run.stderr);
    assert.match(run.stderr, /catalog of 127\.0\.0\.1:\d+: .*(timeout|Timeout)/);
    assertOneLine(run.stderr);
    // Four attempts of 1 s plus the client's backoff (at most 8 s each); 60 s leaves room for a loaded machine.
    assert.ok(seconds < 60, `took ${seconds} s`);
  });

  it('an empty --password-stdin and an --output that is a directory are exit 2 before any request', async () => {
    const port = (silent.address() as AddressInfo).port;
    const before = sockets.length;
    const target = `127.0.0.1:${port}`;
    const common = ['registry', 'scan', target, '--insecure', '--db', db, '--timeout', '1s'];
    const empty = await kubeward([...common, '--username', 'ci', '--password-stdin'], {}, '\n');
    assert.equal(empty.code, 2, empty.stderr);
    assert.match(empty.stderr, /--password-stdin: standard input is empty/);
    const output = await kubeward([...common, '--output', 'a-directory']);
    assert.equal(output.code, 2, output.stderr);
    assert.match(output.stderr, /--output a-directory: is a directory/);
    assert.equal(sockets.length, before, 'no connection to the registry');
  });

  it('a target with credentials is exit 2 without echoing the password; escapes in a target stay escaped', async () => {
    for (const target of ['bob:reg-s3cret@127.0.0.1:5000', 'https://bob:reg-s3cret@127.0.0.1:5000/team']) {
      const run = await kubeward(['registry', 'scan', target, '--db', db]);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, /credentials in the target .* use --username and --password-stdin/);
      assert.ok(!run.stderr.includes('reg-s3cret'), run.stderr);
    }
    const escaped = await kubeward(['registry', 'scan', `127.0.0.1:9/${ESC}[2Jteam`, '--db', db]);
    assert.equal(escaped.code, 2, escaped.stderr);
    assertOneLine(escaped.stderr);
  });

  it('a bad --ledger file is exit 3 naming file and line before the registry is asked anything', async () => {
    const target = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const before = sockets.length;
    writeFileSync(join(work, 'long-line.jsonl'), `${'x'.repeat(10 * 1024 * 1024)}\n`);
    const scan = await kubeward([
      'registry',
      'scan',
      target,
      '--insecure',
      '--db',
      db,
      '--ledger',
      'long-line.jsonl',
    ]);
    assert.equal(scan.code, 3, scan.stderr);
    assert.match(scan.stderr, /long-line\.jsonl:1: line longer than 4096 bytes/);
    assertOneLine(scan.stderr);
    const origin = await kubeward([
      'image',
      'origin',
      `${target}/app:1`,
      '--insecure',
      '--ledger',
      'a-directory',
    ]);
    assert.equal(origin.code, 3, origin.stderr);
    assert.match(origin.stderr, /cannot read ledger .*a-directory: not a regular file/);
    assert.equal(sockets.length, before, 'no connection to the registry');
  });

  it('refuses a --timeout outside 1s..1h with exit 2 naming the flag', async () => {
    for (const timeout of ['0s', '2h', 'soon']) {
      const run = await kubeward(['registry', 'scan', '127.0.0.1:9', '--db', db, '--timeout', timeout]);
      assert.equal(run.code, 2, `${timeout}: ${run.stderr}`);
      assert.match(run.stderr, /--timeout "/);
    }
  });
});

describe('image origin prints ledger records from a published file without their escape sequences', () => {
  let registry: RunningRegistry;
  before(async () => {
    registry = await startRegistry({ dir: join(work, 'registry') });
    await pushWithSkopeo(`oci:${testImages().layout}:app`, registry, 'shop/app:1');
  });
  after(async () => registry?.stop());

  it('sign --timestamp-url answering an HTML page: exit 3 saying so, one line', async () => {
    const html = createHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!DOCTYPE html><html><body>Sign in to the proxy</body></html>');
    });
    await new Promise<void>((resolve) => html.listen(0, '127.0.0.1', resolve));
    try {
      const port = (html.address() as AddressInfo).port;
      const run = await kubeward([
        'sign',
        `${registry.host}/shop/app:1`,
        '--insecure',
        '--key',
        pki.ec.key,
        '--cert',
        pki.ec.chain,
        '--timestamp-url',
        `http://127.0.0.1:${port}/`,
        '--timestamp-root-cert',
        pki.ec.chain,
      ]);
      assert.equal(run.code, 3, run.stderr);
      assert.match(run.stderr, /timestamp authority: .*answered an HTML page, not a time-stamp response/);
      assertOneLine(run.stderr);
    } finally {
      await new Promise<void>((resolve) => html.close(() => resolve()));
    }
  });

  it('LEDGER with the hostile pipeline name shown as \\xNN', async () => {
    const ref = `${registry.host}/shop/app:1`;
    const unknown = await kubeward([
      'image',
      'origin',
      ref,
      '--insecure',
      '--format',
      'json',
      '--store',
      'o.db',
    ]);
    assert.equal(unknown.code, 1, unknown.stderr);
    const digest = (JSON.parse(unknown.stdout) as { digest: string }).digest;
    const ledger = join(work, 'published.jsonl');
    const record = {
      digest,
      repository: `${registry.host}/shop/app`,
      pipeline: `evil${ESC}[2J${ESC}]0;title\u0007`,
      recordedAt: '2026-11-01T00:00:00Z',
    };
    writeFileSync(ledger, `${JSON.stringify(record)}\n`);
    const run = await kubeward(['image', 'origin', ref, '--insecure', '--ledger', ledger]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^LEDGER /);
    assert.match(run.stdout, /built by evil\\x1b\[2J\\x1b\]0;title\\x07 at /);
    assert.ok(!run.stdout.includes(ESC));
  });
});
