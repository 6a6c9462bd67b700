import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli } from './run-cli.js';
import type { CliRun } from './run-cli.js';

function run(args: string[]): Promise<CliRun> {
  return cli(args);
}

const DIR = join(import.meta.dirname, '..', 'fixtures', 'secrets-scan');

test('secrets scan --format json --output FILE: ruleId, file, line, redacted excerpt', async () => {
  const { mkdtemp, readFile } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const out = join(await mkdtemp(join(tmpdir(), 'kw-secrets-cli-')), 'out.json');
  const r = await run([
    'secrets',
    'scan',
    join(DIR, 'repo'),
    '--format',
    'json',
    '--output',
    out,
    '--allow',
    join(DIR, 'allow.yaml'),
  ]);
  assert.equal(r.code, 0, r.stderr);
  const text = await readFile(out, 'utf8');
  const report = JSON.parse(text) as {
    findings: {
      ruleId: string;
      location?: { file: string; line: number };
      properties?: Record<string, unknown>;
    }[];
  };
  const gh = report.findings.find((f) => f.ruleId === 'secrets-scan.github-token');
  assert.deepEqual(gh?.location && { file: gh.location.file, line: gh.location.line }, {
    file: 'config/app.env',
    line: 8,
  });
  assert.equal(gh?.properties?.['excerpt'], 'GITHUB_TOKEN=ghp_****');
  assert.ok(!text.includes('ghp_R8kLm2Qz9Xv4'));
});

test('secrets scan --fail-on critical exits 1; a bad --entropy is a usage error', async () => {
  assert.equal(
    (await run(['secrets', 'scan', join(DIR, 'repo'), '--fail-on', 'critical', '-f', 'table'])).code,
    1,
  );
  assert.equal((await run(['secrets', 'scan', join(DIR, 'repo'), '--entropy', 'x'])).code, 2);
});
