// kubeward report end to end: the real CLI in-process over the real JSON outputs of the other commands and a
// store seeded through the Store API.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { cli, testContext } from './run-cli.js';
import { register as registerVerify } from '../../src/cli/commands/verify.js';
import type { CliContext } from '../../src/cli/context.js';
import { fixedClock } from '../../src/core/clock.js';
import { parseCertificates } from '../../src/signing/certs.js';
import { createNotationSignature, loadPrivateKey } from '../../src/signing/notation/index.js';
import { makePki, policy } from '../signing/pki.js';
import { pushWithSkopeo, startRegistry } from '../image/helpers/registry.js';
import { testImages } from '../image/helpers/test-images.js';
import { REPO, realOutputs } from '../scorecard/helpers/real-outputs.js';
import type { RealOutputs } from '../scorecard/helpers/real-outputs.js';
import { seedStore } from '../dashboard/helpers/seed.js';
import type { Scorecard } from '../../src/scorecard/index.js';
import { AREA_IDS } from '../../src/scorecard/index.js';

const work = mkdtempSync(join(tmpdir(), 'kubeward-report-cli-'));
let out: RealOutputs;

before(async () => {
  out = await realOutputs();
});

const files = (): string[] => [
  out.scan,
  out.imageApp,
  out.cluster,
  out.nsg,
  out.secrets,
  out.tenancy,
  out.runtime,
  out.netpol,
];

describe('kubeward report', () => {
  it('joins every analysis into nine areas (JSON)', async () => {
    const run = await cli(['report', ...files(), '--format', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const card = JSON.parse(run.stdout) as Scorecard;
    assert.deepEqual(
      card.areas.map((a) => a.id),
      [...AREA_IDS],
    );
    assert.equal(card.generatedAt, '2026-11-28T12:00:00.000Z');
    assert.deepEqual(
      card.inputs.map((i) => i.kind),
      [
        'findings-report',
        'vulnerability-report',
        'findings-report',
        'findings-report',
        'findings-report',
        'tenancy-report',
        'runtime-alerts',
        'netpol-verification',
      ],
    );
    for (const a of card.areas) {
      if (a.score === null) continue;
      assert.ok(a.score >= 0 && a.score <= 100, `${a.id} ${a.score}`);
      assert.equal(a.total, a.findings.length);
    }
    assert.equal(card.areas.find((a) => a.id === 'registry')?.score, null);
  });

  it('writes one HTML file with --output', async () => {
    const file = join(work, 'scorecard.html');
    const run = await cli(['report', out.scan, out.runtime, '--output', file]);
    assert.equal(run.code, 0, run.stderr);
    const html = readFileSync(file, 'utf8');
    assert.match(html, /^<!DOCTYPE html>/);
    assert.match(html, /id="area-workloads"/);
    assert.match(html, /not assessed/);
    assert.doesNotMatch(html, /<script/);
  });

  it('--store adds the registry, posture and runtime records that serve keeps', async () => {
    const store = join(work, 'store.db');
    await seedStore(store);
    const run = await cli(['report', '--store', store, '--format', 'json']);
    assert.equal(run.code, 0, run.stderr);
    const card = JSON.parse(run.stdout) as Scorecard;
    const registry = card.areas.find((a) => a.id === 'registry');
    assert.ok(registry?.assessed);
    assert.ok(registry.findings.some((f) => f.ruleId === 'image.unknown-origin'));
    assert.ok(registry.findings.some((f) => f.ruleId === 'image.unsigned'));
    assert.equal(card.areas.find((a) => a.id === 'runtime')?.assessed, true);
    assert.equal(card.areas.find((a) => a.id === 'build')?.assessed, false);
    // Files and store together.
    const both = JSON.parse(
      (await cli(['report', out.imageApp, '--store', store, '-f', 'json'])).stdout,
    ) as Scorecard;
    assert.deepEqual(
      both.inputs.map((i) => i.source),
      [out.imageApp, 'store'],
    );
  });
});

describe('kubeward report: bad input is one line naming the file', () => {
  const expectError = async (args: string[], code: number, pattern: RegExp): Promise<void> => {
    const run = await cli(['report', ...args], { cwd: REPO });
    assert.equal(run.code, code, run.stderr);
    assert.equal(run.stderr.trim().split('\n').length, 1, run.stderr);
    assert.match(run.stderr, pattern);
    assert.equal(run.stdout, '');
  };

  it('the output of a command the scorecard does not read (netpol matrix) is refused (exit 3)', async () => {
    const matrix = join(work, 'matrix.json');
    const fixtures = join(REPO, 'test', 'fixtures', 'netpol');
    const made = await cli([
      'netpol',
      'matrix',
      join(fixtures, 'xyz-cluster.yaml'),
      join(fixtures, 'policies-x.yaml'),
      '-f',
      'json',
      '-o',
      matrix,
    ]);
    assert.equal(made.code, 0, made.stderr);
    await expectError([matrix], 3, /matrix\.json: not a kubeward analysis output this report knows/);
  });

  it('a malformed field is named (exit 3)', async () => {
    const report = JSON.parse(readFileSync(out.scan, 'utf8')) as { findings: { severity: string }[] };
    const broken = report.findings[0];
    assert.ok(broken);
    broken.severity = 'urgent';
    const file = join(work, 'broken-scan.json');
    writeFileSync(file, JSON.stringify(report));
    await expectError([file], 3, /broken-scan\.json: malformed findings report: findings\.0\.severity: /);
  });

  it('not JSON, a missing file or store (exit 3), nothing to read (exit 2)', async () => {
    const text = join(work, 'notes.txt');
    writeFileSync(text, 'hello\n');
    await expectError([text], 3, /notes\.txt: not JSON/);
    await expectError([join(work, 'nope.json')], 3, /nope\.json: cannot read: ENOENT/);
    await expectError(['--store', join(work, 'missing.db')], 3, /missing\.db: no such store file/);
    await expectError([], 2, /give the JSON outputs/);
  });
});

describe('kubeward report: signature verification outputs', () => {
  const DIGEST = `sha256:${'c'.repeat(64)}`;

  /** `verify --envelope ... --format json` with the clock at `at` (the test PKI is valid from now on). */
  async function verifyJson(args: string[], at: Date, file: string): Promise<string> {
    let stdout = '';
    const ctx: CliContext = testContext({
      stdout: (t) => (stdout += t),
      cwd: work,
      clock: fixedClock(at.toISOString()),
    });
    const program = new Command('kubeward').exitOverride();
    registerVerify(program, ctx);
    await program.parseAsync(['verify', ...args, '--format', 'json'], { from: 'user' });
    writeFileSync(file, stdout);
    return file;
  }

  it('an accepted image assesses the registry clean; a rejected one is a high finding', async () => {
    const dir = join(work, 'sign');
    const pki = makePki(join(dir, 'pki'));
    const now = new Date(Date.now() + 60_000);
    writeFileSync(join(work, 'strict.json'), JSON.stringify(policy('strict')));
    const { envelope } = createNotationSignature({
      target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: DIGEST, size: 10 },
      key: loadPrivateKey(readFileSync(pki.ec.key), 'key'),
      chain: parseCertificates(readFileSync(pki.ec.chain), 'chain'),
      format: 'cose',
      clock: fixedClock(now.toISOString()),
    });
    writeFileSync(join(work, 'good.cose'), envelope);
    const args = (digest: string): string[] => [
      '--envelope',
      join(work, 'good.cose'),
      '--media-type',
      'application/cose',
      '--artifact',
      `registry.example/app@${digest}`,
      '--trust-policy',
      join(work, 'strict.json'),
      '--trust-store',
      pki.trustStore,
    ];
    const good = await verifyJson(args(DIGEST), now, join(work, 'verify-good.json'));
    const bad = await verifyJson(args(`sha256:${'d'.repeat(64)}`), now, join(work, 'verify-bad.json'));
    const clean = JSON.parse((await cli(['report', good, '-f', 'json'])).stdout) as Scorecard;
    const registry = clean.areas.find((a) => a.id === 'registry');
    assert.equal(clean.inputs[0]?.kind, 'signature-verification');
    assert.deepEqual([registry?.assessed, registry?.score, registry?.total], [true, 100, 0]);
    const rejected = JSON.parse((await cli(['report', bad, '-f', 'json'])).stdout) as Scorecard;
    const worst = rejected.areas.find((a) => a.id === 'registry')?.worst[0];
    assert.equal(worst?.ruleId, 'signature.rejected');
    assert.equal(worst?.severity, 'high');
    assert.match(worst?.detail ?? '', /integrity/);
  });
});

describe('kubeward report: registry scan reports', () => {
  it('drift becomes registry findings, with a warning that only --store has the full state', async () => {
    const dir = join(work, 'registry');
    const registry = await startRegistry({ dir });
    try {
      await pushWithSkopeo(`oci:${testImages().layout}:app`, registry, 'shop/web:1.0');
      const older = join(dir, 'older.sqlite');
      const update = await cli([
        'db',
        'update',
        '--db',
        older,
        '--source',
        join(REPO, 'test/fixtures/osv/synthetic'),
      ]);
      assert.equal(update.code, 0, update.stderr);
      const store = join(dir, 'store.db');
      const scan = async (db: string, file: string): Promise<string> => {
        const run = await cli(
          [
            'registry',
            'scan',
            registry.host,
            '--insecure',
            '--no-cache',
            '--db',
            db,
            '--store',
            store,
            '-f',
            'json',
            '-o',
            file,
          ],
          { cwd: work },
        );
        assert.equal(run.code, 0, run.stderr);
        return file;
      };
      await scan(older, join(dir, 'first.json'));
      // The full database knows advisories the older one did not: drift on the same digest.
      const second = await scan(join(out.dir, 'vulndb.sqlite'), join(dir, 'second.json'));
      const drift = JSON.parse(readFileSync(second, 'utf8')) as {
        images: { newVulnerabilities: { id: string }[] }[];
      };
      const added = drift.images.flatMap((i) => i.newVulnerabilities.map((v) => v.id)).sort();
      assert.ok(added.length > 0);
      const run = await cli(['report', second, '-f', 'json']);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stderr, /second\.json: a registry scan report lists drift only; give --store/);
      const card = JSON.parse(run.stdout) as Scorecard;
      assert.equal(card.inputs[0]?.kind, 'registry-drift');
      const registryArea = card.areas.find((a) => a.id === 'registry');
      assert.deepEqual(registryArea?.findings.map((f) => f.ruleId).sort(), added);
      assert.equal(registryArea?.score, null, 'drift alone does not score the registry');
      // With the store that registry scan filled, the registry is scored on its full state.
      const full = JSON.parse(
        (await cli(['report', second, '--store', store, '-f', 'json'])).stdout,
      ) as Scorecard;
      const scored = full.areas.find((a) => a.id === 'registry');
      assert.equal(typeof scored?.score, 'number');
      assert.ok(
        (scored?.total ?? 0) >= JSON.parse(readFileSync(out.imageApp, 'utf8')).vulnerabilities.length,
      );
    } finally {
      await registry.stop();
    }
  });
});
