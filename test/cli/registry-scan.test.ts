// `kubeward registry scan` end to end against the real docker-registry on 127.0.0.1, with real images (the
// Debian and app test images, and variants built on the Debian base): drift across a vulnerability database
// update, formats, the gate, a registry stopped mid-scan and resumed, and sharding.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run.js';
import { fixedClock } from '../../src/core/clock.js';
import type { DriftReport } from '../../src/scan/registry-scan/index.js';
import { formatDriftReport } from '../../src/scan/registry-scan/index.js';
import { openStore } from '../../src/store/index.js';
import { type RunningRegistry, pushWithSkopeo, startRegistry } from '../image/helpers/registry.js';
import { type TestImages, testImages } from '../image/helpers/test-images.js';
import { restartRegistry } from '../scan/registry-scan/helpers/restart-registry.js';
import { buildVariants, pushFromLayout } from '../scan/registry-scan/helpers/variants.js';
import { HIGH, MEDIUM, type NpmAdvisory, buildVulnDb } from '../scan/registry-scan/helpers/vuln-db.js';

const work = mkdtempSync(join(tmpdir(), 'kubeward-regscan-'));
const DB_BEFORE = join(work, 'db-before.sqlite');
const DB_AFTER = join(work, 'db-after.sqlite');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function kubeward(
  args: string[],
  now: string,
  options: { stdin?: string; tty?: boolean; onStderr?: (all: string) => void } = {},
): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => {
      stderr += t;
      options.onStderr?.(stderr);
    },
    readStdin: async () => options.stdin ?? '',
    isTTY: options.tty ?? false,
    cwd: work,
    env: { KUBEWARD_CACHE_DIR: join(work, 'cache'), KUBEWARD_STATE_DIR: work },
    clock: fixedClock(now),
    setExitCode: () => undefined,
  });
  return { code, stdout, stderr };
}

// The app image holds express 4.19.2, lodash 4.17.20 and minimist 1.2.5 (scripts/build-test-images.sh).
const BEFORE: NpmAdvisory[] = [
  { id: 'KW-DRIFT-STAY', package: 'minimist', fixed: '1.2.6', cvss: MEDIUM },
  { id: 'KW-DRIFT-FIX', package: 'lodash', cvss: HIGH },
  { id: 'KW-DRIFT-GONE', package: 'express', cvss: MEDIUM },
];
const AFTER: NpmAdvisory[] = [
  { id: 'KW-DRIFT-STAY', package: 'minimist', fixed: '1.2.6', cvss: MEDIUM },
  { id: 'KW-DRIFT-FIX', package: 'lodash', fixed: '4.17.21', cvss: HIGH },
  { id: 'KW-DRIFT-GONE', package: 'express', cvss: MEDIUM, withdrawn: '2026-01-15T00:00:00Z' },
  { id: 'KW-DRIFT-NEW', package: 'minimist', fixed: '1.2.8', cvss: HIGH },
];

let images: TestImages;
const registries: { stop(): Promise<void> }[] = [];
after(async () => {
  for (const r of registries) await r.stop();
});

before(async () => {
  images = testImages();
  await buildVulnDb(DB_BEFORE, BEFORE, '2026-01-01T00:00:00Z');
  await buildVulnDb(DB_AFTER, AFTER, '2026-02-01T00:00:00Z');
});

function compact(report: DriftReport) {
  return report.images.map((i) => ({
    repository: i.repository.replace(/^[^/]+\//, ''),
    state: i.state,
    isNew: i.isNew,
    vulnerabilities: i.vulnerabilities,
    new: i.newVulnerabilities.map((v) => `${v.id} ${v.package}`),
    fixAvailable: i.fixAvailable.map(
      (v) => `${v.id} ${v.package} ${v.previous?.fixedIn.join(',') ?? ''} -> ${v.fixedIn.join(',')}`,
    ),
    disappeared: i.disappeared.map((v) => `${v.id} ${v.package}`),
  }));
}

describe('registry scan: drift across a vulnerability database update (htpasswd registry)', () => {
  let registry: RunningRegistry;
  let STORE: string;
  const scan = (db: string, now: string, extra: string[] = []): Promise<Run> =>
    kubeward(
      [
        'registry',
        'scan',
        registry.host,
        '--insecure',
        '--username',
        registry.user,
        '--password-stdin',
        '--db',
        db,
        '--store',
        STORE,
        ...extra,
      ],
      now,
      { stdin: `${registry.password}\n` },
    );

  before(async () => {
    STORE = join(work, 'drift-store.db');
    registry = await startRegistry({ dir: join(work, 'reg-drift'), auth: 'htpasswd' });
    registries.push(registry);
    await pushWithSkopeo(`oci:${images.layout}:app`, registry, 'lab/app:1.0');
    await pushWithSkopeo(`oci:${images.layout}:app`, registry, 'lab/app:stable');
    await pushWithSkopeo(`oci:${images.layout}:app`, registry, 'mirror/app:1.0');
    await pushWithSkopeo(`oci:${images.layout}:debian`, registry, 'lab/debian:bookworm');
  });

  let second: DriftReport;

  it('first scan: every distinct digest once, all new', async () => {
    const run = await scan(DB_BEFORE, '2026-01-02T00:00:00Z', ['-f', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as DriftReport;
    assert.equal(report.dbVersion, '2026-01-01T00:00:00.000Z');
    assert.deepEqual(
      [report.summary.repositories, report.summary.tags, report.summary.digests, report.summary.scanned],
      [3, 4, 2, 2],
    );
    assert.equal(report.summary.newDigests, 2);
    const app = report.images.find((i) => i.repository.endsWith('/lab/app'));
    assert.deepEqual(
      app?.references.map((r) => r.replace(/^[^/]+\//, '')),
      ['lab/app:1.0', 'lab/app:stable', 'mirror/app:1.0'],
    );
    const store = await openStore(STORE);
    try {
      const [record] = await store.imageScans(app?.digest ?? '', 5);
      assert.deepEqual(
        record?.vulnerabilities.map((v) => `${v.id} ${v.package} ${v.status}`),
        [
          'KW-DRIFT-GONE express@4.19.2 not-fixed',
          'KW-DRIFT-FIX lodash@4.17.20 not-fixed',
          'KW-DRIFT-STAY minimist@1.2.5 fixed',
        ].sort((a, b) => (a.split(' ')[1]! < b.split(' ')[1]! ? -1 : 1)),
      );
      assert.equal(record?.dbVersion, '2026-01-01T00:00:00.000Z');
      assert.deepEqual(record?.tags, ['1.0', 'stable']);
    } finally {
      await store.close();
    }
  });

  it('second scan with a newer database: new advisory, fix available, withdrawn, and a new digest', async () => {
    const variants = await buildVariants(images.layout, 'debian', join(work, 'variant-layout'), [
      { name: 'v1', npm: { minimist: '1.2.5' }, marker: 'v1' },
    ]);
    await pushFromLayout(variants, 'v1', registry, 'lab/variant:1');
    const run = await scan(DB_AFTER, '2026-02-02T00:00:00Z', ['-f', 'json']);
    assert.equal(run.code, 0, run.stderr);
    second = JSON.parse(run.stdout) as DriftReport;
    assert.deepEqual(compact(second), [
      {
        repository: 'lab/app',
        state: 'scanned',
        isNew: false,
        vulnerabilities: 3,
        new: ['KW-DRIFT-NEW minimist@1.2.5'],
        fixAvailable: ['KW-DRIFT-FIX lodash@4.17.20  -> 4.17.21'],
        disappeared: ['KW-DRIFT-GONE express@4.19.2'],
      },
      {
        repository: 'lab/debian',
        state: 'scanned',
        isNew: false,
        vulnerabilities: 0,
        new: [],
        fixAvailable: [],
        disappeared: [],
      },
      {
        repository: 'lab/variant',
        state: 'scanned',
        isNew: true,
        vulnerabilities: 2,
        new: [],
        fixAvailable: [],
        disappeared: [],
      },
    ]);
    const app = second.images[0];
    assert.equal(app?.previousDbVersion, '2026-01-01T00:00:00.000Z');
    assert.equal(app?.dbVersion, '2026-02-01T00:00:00.000Z');
    assert.equal(app?.fixAvailable[0]?.previous?.status, 'not-fixed');
    assert.equal(app?.fixAvailable[0]?.status, 'fixed');
    assert.deepEqual(
      [
        second.summary.newVulnerabilities,
        second.summary.fixAvailable,
        second.summary.disappeared,
        second.summary.newDigests,
      ],
      [1, 1, 1, 1],
    );
  });

  it('renders the drift as table, SARIF and HTML', () => {
    const table = formatDriftReport(second, 'table');
    assert.match(
      table,
      /drift: 1 new vulnerabilities, 1 with a fix now available, 1 disappeared; 1 new digests/,
    );
    assert.match(
      table,
      /new vulnerabilities \(new advisories since the last scan\):\n {2}\S+\/lab\/app@sha256:\w+ {2}KW-DRIFT-NEW {2}minimist@1\.2\.5 {2}high {2}fixed {2}fixed in 1\.2\.8/,
    );
    assert.match(
      table,
      /fix now available:\n {2}\S+\/lab\/app@sha256:\w+ {2}KW-DRIFT-FIX {2}lodash@4\.17\.20 {2}high {2}fixed \(was not-fixed\) {2}fixed in 4\.17\.21/,
    );
    assert.match(
      table,
      /disappeared \(withdrawn or corrected advisories\):\n {2}\S+\/lab\/app@sha256:\w+ {2}KW-DRIFT-GONE {2}express@4\.19\.2/,
    );
    assert.match(
      table,
      /new digests \(never scanned before\):\n {2}\S+\/lab\/variant@sha256:\w+ {2}\S+\/lab\/variant:1/,
    );
    const sarif = JSON.parse(formatDriftReport(second, 'sarif')) as {
      runs: { results: { ruleId: string; level: string }[] }[];
    };
    assert.deepEqual(sarif.runs[0]?.results.map((r) => `${r.ruleId} ${r.level}`).sort(), [
      'registry-drift/fix-available error',
      'registry-drift/new-image note',
      'registry-drift/new-vulnerability error',
      'registry-drift/vulnerability-gone note',
    ]);
    const html = formatDriftReport(second, 'html');
    assert.match(html, /^<!DOCTYPE html>/i);
    assert.match(html, /KW-DRIFT-NEW in minimist@1\.2\.5/);
  });

  it('applies the gate policy: exit 1 when a vulnerability is overdue, 0 within grace', async () => {
    const strict = join(work, 'gate-strict.yaml');
    writeFileSync(strict, 'defaults:\n  high: { graceDays: 0 }\n');
    const fail = await scan(DB_AFTER, '2026-02-03T00:00:00Z', [
      '--gate',
      strict,
      '--state',
      join(work, 'gate1.db'),
    ]);
    assert.equal(fail.code, 1, fail.stderr);
    assert.match(
      fail.stdout,
      /drift: 0 new vulnerabilities, 0 with a fix now available, 0 disappeared; 0 new digests/,
    );
    assert.match(fail.stdout, /gate: FAIL for \S+\/lab\/app .*: 2 overdue/);
    assert.match(fail.stdout, /gate: FAIL over 3 images/);
    const lenient = join(work, 'gate-lenient.yaml');
    writeFileSync(lenient, 'defaults:\n  high: { graceDays: 30 }\n');
    const pass = await scan(DB_AFTER, '2026-02-04T00:00:00Z', [
      '--gate',
      lenient,
      '--state',
      join(work, 'gate2.db'),
      '-f',
      'json',
    ]);
    assert.equal(pass.code, 0, pass.stderr);
    const json = JSON.parse(pass.stdout) as { gate: { outcome: string; images: unknown[] } };
    assert.equal(json.gate.outcome, 'warn');
    assert.equal(json.gate.images.length, 3);
  });

  it('--ledger: images whose digest the build ledger holds are of known origin, the others unknown', async () => {
    const app = second.images.find((i) => i.repository.endsWith('/lab/app'));
    const ledger = join(work, 'ledger.jsonl');
    writeFileSync(
      ledger,
      `${JSON.stringify({ digest: app?.digest, repository: app?.repository, pipeline: 'github:org/app/.github/workflows/ci.yml@refs/heads/main', recordedAt: '2026-01-01T00:00:00Z' })}\n`,
    );
    const run = await scan(DB_AFTER, '2026-02-05T00:00:00Z', ['--ledger', ledger, '-f', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as DriftReport;
    assert.deepEqual(
      report.images.map((i) => `${i.repository.replace(/^[^/]+\//, '')} ${i.origin ?? '-'}`),
      ['lab/app ledger', 'lab/debian unknown', 'lab/variant unknown'],
    );
    assert.equal(report.summary.unknownOrigin, 2);
    assert.match(
      report.images[0]?.originDetail ?? '',
      /^built by github:org\/app\/.* \(ledger .*ledger\.jsonl/,
    );
    assert.match(
      report.images[1]?.originDetail ?? '',
      /signatures not checked \(no trust policy\); not in the build ledger/,
    );
    const table = formatDriftReport(report, 'table');
    assert.match(
      table,
      /unknown origin \(no trusted signature, not in the build ledger\):\n {2}\S+\/lab\/debian@sha256:\w+ {2}\S+: signatures not checked/,
    );
  });
});

describe('registry scan: stopped mid-scan, then resumed; sharding', () => {
  let registry: RunningRegistry;
  const STORE = join(work, 'resume-store.db');
  const REPOS = ['alpha/one', 'beta/two', 'gamma/three', 'delta/four', 'eps/five', 'zeta/six'];

  before(async () => {
    registry = await startRegistry({ dir: join(work, 'reg-resume') });
    registries.push(registry);
    const layout = await buildVariants(
      images.layout,
      'debian',
      join(work, 'resume-layout'),
      REPOS.map((r, i) => ({ name: `v${i}`, npm: { minimist: '1.2.5' }, marker: r })),
    );
    for (const [i, repo] of REPOS.entries()) await pushFromLayout(layout, `v${i}`, registry, `${repo}:1`);
  });

  it('reports what was and was not scanned with exit 3, and the next run resumes without rescanning', async () => {
    const args = ['registry', 'scan', registry.host, '--insecure', '--db', DB_AFTER, '--store', STORE];
    let killed: Promise<void> | undefined;
    const first = await kubeward([...args, '--concurrency', '1', '-f', 'json'], '2026-03-01T00:00:00Z', {
      onStderr: (all) => {
        if (!killed && all.includes('kubeward: 2/6 digests scanned')) killed = registry.stop('SIGKILL');
      },
    });
    await killed;
    assert.equal(first.code, 3, first.stderr);
    const partial = JSON.parse(first.stdout) as DriftReport;
    assert.equal(partial.run.complete, false);
    assert.deepEqual(
      [partial.summary.digests, partial.summary.scanned, partial.summary.failed, partial.summary.notScanned],
      [6, 2, 3, 1],
    );
    assert.match(
      partial.run.stopReason ?? '',
      /^3 images failed in a row, the last with: .*cannot reach http:\/\/127\.0\.0\.1:\d+/,
    );
    const errors = first.stderr.split('\n').filter((l) => l.startsWith('kubeward: error:'));
    assert.equal(errors.length, 1);
    assert.match(
      errors[0] ?? '',
      /^kubeward: error: registry scan incomplete: 4 of 6 digests not scanned, 0 listing problems; 3 images failed in a row/,
    );
    const done = partial.images.filter((i) => i.state === 'scanned').map((i) => i.digest);

    const restarted = await restartRegistry(join(work, 'reg-resume'), registry.port);
    registries.push(restarted);
    const second = await kubeward([...args, '-f', 'json'], '2026-03-01T01:00:00Z');
    assert.equal(second.code, 0, second.stderr);
    const resumed = JSON.parse(second.stdout) as DriftReport;
    assert.equal(resumed.run.resumed, true);
    assert.equal(resumed.run.id, partial.run.id);
    assert.equal(resumed.run.complete, true);
    assert.deepEqual(
      [
        resumed.summary.scannedEarlier,
        resumed.summary.scanned,
        resumed.summary.failed,
        resumed.summary.notScanned,
      ],
      [2, 4, 0, 0],
    );
    assert.deepEqual(
      resumed.images
        .filter((i) => i.state === 'done-earlier')
        .map((i) => i.digest)
        .sort(),
      [...done].sort(),
    );
    const store = await openStore(STORE);
    try {
      for (const digest of done) assert.equal((await store.imageScans(digest, 10)).length, 1, digest);
      const retried = resumed.images.filter((i) => i.state === 'scanned');
      const failedBefore = retried.filter(
        (i) => partial.images.find((p) => p.digest === i.digest)?.state === 'failed',
      );
      assert.equal(failedBefore.length, 3);
      for (const i of failedBefore) {
        const records = await store.imageScans(i.digest, 10);
        assert.deepEqual(
          records.map((r) => (r.error ? 'error' : 'ok')),
          ['ok', 'error'],
        );
      }
      assert.equal(await store.unfinishedRun(registry.host), undefined);
    } finally {
      await store.close();
    }
  });

  it('--shard I/N: N shards cover every repository exactly once; a TTY gets a progress bar', async () => {
    const seen: string[] = [];
    for (let index = 0; index < 3; index++) {
      const run = await kubeward(
        [
          'registry',
          'scan',
          registry.host,
          '--insecure',
          '--db',
          DB_AFTER,
          '--store',
          join(work, 'shards.db'),
          '--shard',
          `${index}/3`,
          '-f',
          'json',
        ],
        '2026-03-02T00:00:00Z',
        { tty: index === 0 },
      );
      assert.equal(run.code, 0, run.stderr);
      const report = JSON.parse(run.stdout) as DriftReport;
      assert.equal(report.target, `${registry.host}#shard ${index}/3`);
      seen.push(...report.images.map((i) => i.repository.replace(/^[^/]+\//, '')));
      if (index === 0) assert.match(run.stderr, /\r\[#+-*\] \d+\/\d+ digests scanned/);
    }
    assert.deepEqual(seen.sort(), [...REPOS].sort());
    const bad = await kubeward(['registry', 'scan', registry.host, '--shard', '3/3'], '2026-03-02T00:00:00Z');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--shard "3\/3": expected I\/N with 0 <= I < N/);
  });
});

describe('registry scan over TLS with a private CA', () => {
  it('trusts the registry with --ca-file, and fails in one line without it', async () => {
    const registry = await startRegistry({ dir: join(work, 'reg-tls'), tls: true });
    registries.push(registry);
    await pushWithSkopeo(`oci:${images.layout}:app`, registry, 'tls/app:1');
    const args = ['registry', 'scan', registry.host, '--db', DB_AFTER, '--store', join(work, 'tls-store.db')];
    const untrusted = await kubeward(args, '2026-04-01T00:00:00Z');
    assert.equal(untrusted.code, 3);
    assert.equal(untrusted.stdout, '');
    assert.match(
      untrusted.stderr,
      /^kubeward: error: catalog of 127\.0\.0\.1:\d+: cannot reach https:\/\/127\.0\.0\.1:\d+: .*certificate/m,
    );
    const trusted = await kubeward(
      [...args, '--ca-file', registry.caFile ?? '', '-f', 'json'],
      '2026-04-01T00:00:00Z',
    );
    assert.equal(trusted.code, 0, trusted.stderr);
    const report = JSON.parse(trusted.stdout) as DriftReport;
    assert.deepEqual(
      report.images.map((i) => [i.repository.replace(/^[^/]+\//, ''), i.vulnerabilities]),
      [['tls/app', 3]],
    );
  });
});
