import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Command } from 'commander';
import { cli } from './run-cli.js';
import type { CliRun } from './run-cli.js';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { register } from '../../src/cli/commands/secrets.js';
import { fixedClock } from '../../src/core/clock.js';
import { exitCodeFor } from '../../src/cli/exit-codes.js';

/** The real CLI once the command is wired in commands/index.ts; until then the command alone, in-process. */
async function run(args: string[]): Promise<CliRun> {
  if (COMMANDS.includes(register)) return cli(args);
  let stdout = '';
  let stderr = '';
  let code = 0;
  const program = new Command('kubeward').exitOverride();
  register(program, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readStdin: async () => '',
    isTTY: false,
    cwd: process.cwd(),
    env: {},
    clock: fixedClock('2026-11-28T12:00:00Z'),
    setExitCode: (c) => (code = Math.max(code, c)),
  });
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    code = exitCodeFor(error);
  }
  return { code, stdout, stderr };
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
