// The vulnerability commands end to end, in-process: db update from the fixtures, image scan / image gate of the
// real test image, fs scan of a directory. The commands are mounted on their own program here, as image.ts,
// fs.ts and the command list will mount them.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { Command, CommanderError } from 'commander';
import { register as registerDb } from '../../src/cli/commands/db.js';
import { registerFsScan, registerImageScan } from '../../src/cli/commands/vuln.js';
import type { CliContext } from '../../src/cli/context.js';
import { exitCodeFor } from '../../src/cli/exit-codes.js';
import { fixedClock } from '../../src/core/clock.js';
import { errorMessage } from '../../src/core/errors.js';
import { testImages } from '../image/helpers/test-images.js';
import { describeErrors, loadSchemaValidator } from '../report/schema-validator.js';
import { testContext } from '../cli/run-cli.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const work = mkdtempSync(join(tmpdir(), 'kubeward-vulnscan-'));
const DB = join(work, 'vulndb.sqlite');
const STATE = join(work, 'state.db');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function kubeward(args: string[], now = '2026-02-01T00:00:00Z'): Promise<Run> {
  let stdout = '';
  let stderr = '';
  let code = 0;
  const ctx: CliContext = testContext({
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    cwd: work,
    env: { KUBEWARD_CACHE_DIR: work, KUBEWARD_STATE_DIR: work },
    clock: fixedClock(now),
    setExitCode: (c) => (code = Math.max(code, c)),
  });
  const program = new Command('kubeward')
    .exitOverride()
    .configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr });
  registerDb(program, ctx);
  registerImageScan(program.command('image'), ctx);
  registerFsScan(program.command('fs'), ctx);
  const override = (c: Command): void => {
    c.exitOverride().configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr });
    c.commands.forEach(override);
  };
  override(program);
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    code = error instanceof CommanderError ? 2 : exitCodeFor(error);
    stderr += `error: ${errorMessage(error)}\n`;
  }
  return { code, stdout, stderr };
}

function cyclonedxValidator(): ValidateFunction {
  const load = (name: string): Record<string, unknown> =>
    JSON.parse(readFileSync(join(FIXTURES, 'schemas', name), 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  ajv.addSchema(load('cyclonedx-spdx.schema.json'));
  ajv.addSchema(load('cyclonedx-jsf-0.82.schema.json'));
  return ajv.compile(load('cyclonedx-bom-1.6.schema.json'));
}

interface JsonVuln {
  id: string;
  package: { name: string; version: string };
  status: string;
  severity: string;
  fixedIn: string[];
}

let image = '';

before(async () => {
  image = `oci:${testImages().layout}:app`;
  const update = await kubeward([
    'db',
    'update',
    '--db',
    DB,
    '--source',
    join(FIXTURES, 'osv', 'real', 'records'),
    '--source',
    join(FIXTURES, 'osv', 'synthetic'),
  ]);
  assert.equal(update.code, 0, update.stderr);
});

describe('db commands', () => {
  it('db status shows sources, counts and age, and warns when old', async () => {
    const fresh = await kubeward(['db', 'status', '--db', DB, '--format', 'json']);
    assert.equal(fresh.code, 0, fresh.stderr);
    const status = JSON.parse(fresh.stdout) as {
      records: number;
      ageDays: number;
      stale: boolean;
      sources: unknown[];
    };
    assert.deepEqual(
      [status.records, status.ageDays, status.stale, status.sources.length],
      [35, 0, false, 2],
    );
    const old = await kubeward(['db', 'status', '--db', DB], '2026-03-01T00:00:00Z');
    assert.match(old.stdout, /last update: 2026-02-01T00:00:00.000Z \(28 days ago\)/);
    assert.match(old.stderr, /older than 7 days/);
  });

  it('db export / db import round trip', async () => {
    const file = join(work, 'export.sqlite');
    assert.equal((await kubeward(['db', 'export', file, '--db', DB])).code, 0);
    const copy = join(work, 'copy', 'vulndb.sqlite');
    assert.equal((await kubeward(['db', 'import', file, '--db', copy])).code, 0);
    const status = JSON.parse(
      (await kubeward(['db', 'status', '--db', copy, '--format', 'json'])).stdout,
    ) as { records: number };
    assert.equal(status.records, 35);
  });
});

describe('image scan of the real test image', () => {
  it('table lists installed, fixed-in, status, severity, score, id and age per package', async () => {
    const run = await kubeward(['image', 'scan', image, '--db', DB, '--no-cache', '--no-record']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /PACKAGE\s+INSTALLED\s+FIXED IN\s+STATUS\s+SEVERITY\s+SCORE\s+ID\s+AGE/);
    assert.match(
      run.stdout,
      /lodash\s+4\.17\.20\s+4\.17\.21\s+fixed\s+high\s+7\.2\s+GHSA-35jh-r3h4-6jhm\s+\d+d/,
    );
    assert.match(run.stdout, /zlib1g\s+1:1\.2\.13\.dfsg-1\s+-\s+will-not-fix\s+low/);
  });

  it('json, with --severity and --ignore-unfixed filters', async () => {
    const all = JSON.parse(
      (await kubeward(['image', 'scan', image, '--db', DB, '--no-cache', '--no-record', '-f', 'json']))
        .stdout,
    ) as {
      vulnerabilities: JsonVuln[];
    };
    const keys = all.vulnerabilities.map((v) => `${v.package.name} ${v.id} ${v.status}`).sort();
    assert.deepEqual(keys, [
      'bash x_DEBIAN-CVE-0000-0003 fixed',
      'libc-bin x_DEBIAN-CVE-0000-0001 fixed',
      'libc6 x_DEBIAN-CVE-0000-0001 fixed',
      'libsystemd0 x_DEBIAN-CVE-0000-0005 not-fixed',
      'libudev1 x_DEBIAN-CVE-0000-0005 not-fixed',
      'lodash GHSA-35jh-r3h4-6jhm fixed',
      'minimist GHSA-xvch-5gv4-984h fixed',
      'zlib1g x_DEBIAN-CVE-0000-0002 will-not-fix',
    ]);
    const filtered = JSON.parse(
      (
        await kubeward([
          'image',
          'scan',
          image,
          '--db',
          DB,
          '--no-cache',
          '--no-record',
          '-f',
          'json',
          '--severity',
          'critical,high',
          '--ignore-unfixed',
        ])
      ).stdout,
    ) as { vulnerabilities: JsonVuln[]; summary: { filtered: { severity: number; unfixed: number } } };
    assert.ok(
      filtered.vulnerabilities.every(
        (v) => ['critical', 'high'].includes(v.severity) && v.status === 'fixed',
      ),
    );
    assert.deepEqual(filtered.summary.filtered, { severity: 3, unfixed: 0 });
  });

  it('CycloneDX with vulnerabilities validates against the official 1.6 schema', async () => {
    const run = await kubeward([
      'image',
      'scan',
      image,
      '--db',
      DB,
      '--no-cache',
      '--no-record',
      '-f',
      'cyclonedx',
    ]);
    const bom = JSON.parse(run.stdout) as {
      vulnerabilities: { id: string; affects: { ref: string }[] }[];
      components: { 'bom-ref': string }[];
    };
    const validate = cyclonedxValidator();
    assert.ok(validate(bom), JSON.stringify(validate.errors?.slice(0, 3)));
    const refs = new Set(bom.components.map((c) => c['bom-ref']));
    const glibc = bom.vulnerabilities.find((v) => v.id === 'x_DEBIAN-CVE-0000-0001');
    assert.equal(glibc?.affects.length, 2);
    assert.ok(glibc?.affects.every((a) => refs.has(a.ref)));
  });

  it('SARIF validates against the SARIF 2.1.0 schema', async () => {
    const run = await kubeward([
      'image',
      'scan',
      image,
      '--db',
      DB,
      '--no-cache',
      '--no-record',
      '-f',
      'sarif',
    ]);
    const validate = loadSchemaValidator(
      new URL('../fixtures/schemas/sarif-schema-2.1.0.json', import.meta.url),
    );
    const log: unknown = JSON.parse(run.stdout);
    assert.ok(validate(log), describeErrors(validate.errors));
  });

  it('OpenVEX not_affected suppresses and the report says so', async () => {
    const vex = join(work, 'vex.json');
    writeFileSync(
      vex,
      JSON.stringify({
        '@context': 'https://openvex.dev/ns/v0.2.0',
        '@id': 'https://example.com/vex/app',
        author: 'security@example.com',
        timestamp: '2026-01-15T00:00:00Z',
        version: 1,
        statements: [
          {
            vulnerability: { name: 'CVE-2021-23337' },
            products: [{ '@id': 'pkg:npm/lodash' }],
            status: 'not_affected',
            justification: 'vulnerable_code_not_in_execute_path',
          },
        ],
      }),
    );
    const run = await kubeward([
      'image',
      'scan',
      image,
      '--db',
      DB,
      '--no-cache',
      '--no-record',
      '--vex',
      vex,
    ]);
    assert.doesNotMatch(run.stdout, /^lodash\s+4\.17\.20/m);
    assert.match(
      run.stdout,
      /suppressed by VEX \(1\):\n {2}GHSA-35jh-r3h4-6jhm in lodash 4\.17\.20: not_affected \(vulnerable_code_not_in_execute_path\)/,
    );
  });
});

describe('image gate', () => {
  const policy = join(work, 'gate.yaml');
  before(() => {
    writeFileSync(
      policy,
      [
        'defaults:',
        '  critical: { graceDays: 7 }',
        '  high: { graceDays: 30, fixableOnly: true }',
        '  low: ignore',
        'exceptions:',
        '  - id: CVE-2021-23337',
        '    package: lodash',
        '    reason: template() is never called with user input',
        '    approver: alice@example.com',
        '    expires: 2026-06-30',
        '',
      ].join('\n'),
    );
  });

  it('first run: everything within grace (exit 0, warnings); the state records first sightings', async () => {
    const run = await kubeward([
      'image',
      'gate',
      image,
      '--policy',
      policy,
      '--db',
      DB,
      '--no-cache',
      '--state',
      STATE,
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^gate: WARN/);
    assert.match(run.stdout, /WARN {2}x_DEBIAN-CVE-0000-0003 in bash \(critical, fixed\): due in 7 days/);
    assert.match(
      run.stdout,
      /GHSA-35jh-r3h4-6jhm in lodash: template\(\) is never called with user input \(approved by alice@example.com, until 2026-06-30\)/,
    );
  });

  it('ten days later the critical is overdue (exit 1); --now pins the clock and writes nothing', async () => {
    const run = await kubeward([
      'image',
      'gate',
      image,
      '--policy',
      policy,
      '--db',
      DB,
      '--no-cache',
      '--state',
      STATE,
      '--now',
      '2026-02-11',
    ]);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /FAIL {2}x_DEBIAN-CVE-0000-0003 in bash \(critical, fixed\): overdue by 3 days/);
    assert.match(run.stdout, /WARN {2}x_DEBIAN-CVE-0000-0001 in libc6 \(high, fixed\): due in 20 days/);
  });

  it('image scan --gate adds the decision to the JSON report', async () => {
    const run = await kubeward([
      'image',
      'scan',
      image,
      '--gate',
      policy,
      '--db',
      DB,
      '--no-cache',
      '--state',
      STATE,
      '-f',
      'json',
      '--now',
      '2026-02-11',
    ]);
    assert.equal(run.code, 1);
    const report = JSON.parse(run.stdout) as { gate: { outcome: string; waived: { id: string }[] } };
    assert.equal(report.gate.outcome, 'fail');
    assert.deepEqual(
      report.gate.waived.map((w) => w.id),
      ['GHSA-35jh-r3h4-6jhm'],
    );
  });

  it('a bad policy is a configuration error (exit 2)', async () => {
    const bad = join(work, 'bad-gate.yaml');
    writeFileSync(bad, 'defaults:\n  critical: { grace: 7 }\n');
    const run = await kubeward([
      'image',
      'gate',
      image,
      '--policy',
      bad,
      '--db',
      DB,
      '--no-cache',
      '--state',
      STATE,
    ]);
    assert.equal(run.code, 2);
  });
});

describe('fs scan', () => {
  it('scans lockfiles in a directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeward-fs-'));
    writeFileSync(
      join(dir, 'package-lock.json'),
      JSON.stringify({
        name: 'demo',
        lockfileVersion: 3,
        packages: {
          '': { name: 'demo', dependencies: { minimist: '1.2.5' } },
          'node_modules/minimist': { version: '1.2.5' },
        },
      }),
    );
    const run = await kubeward(['fs', 'scan', dir, '--db', DB, '-f', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const report = JSON.parse(run.stdout) as { vulnerabilities: JsonVuln[] };
    assert.deepEqual(
      report.vulnerabilities.map((v) => [v.package.name, v.id, v.fixedIn]),
      [['minimist', 'GHSA-xvch-5gv4-984h', ['1.2.6']]],
    );
  });

  it('without a database it says how to get one (exit 3)', async () => {
    const run = await kubeward(['fs', 'scan', work, '--db', join(work, 'none.sqlite')]);
    assert.equal(run.code, 3);
    assert.match(run.stderr, /kubeward db update/);
  });
});
