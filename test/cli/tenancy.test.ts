// The tenancy command registered on a bare program (the lead wires it into commands/index.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import type { CliContext } from '../../src/cli/context.js';
import { register } from '../../src/cli/commands/tenancy.js';
import { fixedClock } from '../../src/core/clock.js';
import type { TenancyReport } from '../../src/scan/tenancy-report.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'tenancy', 'cluster.yaml');

async function run(args: string[]): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readStdin: async () => '',
    isTTY: false,
    // No kubeward.yaml here, so the embedded default settings apply.
    cwd: await mkdtemp(join(tmpdir(), 'kw-cli-tenancy-')),
    env: {},
    clock: fixedClock('2026-11-28T12:00:00Z'),
    setExitCode: () => undefined,
  };
  const program = new Command('kubeward')
    .exitOverride()
    .configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr });
  register(program, ctx);
  for (const sub of program.commands) sub.exitOverride();
  await program.parseAsync(args, { from: 'user' });
  return { stdout, stderr };
}

const cases = [
  {
    format: 'table',
    expect: /^leaky\s+25\s+default-deny-ingress-missing.*ServiceAccount:other\/ci.*other, <internet>$/m,
  },
  { format: 'json', expect: /"namespace": "leaky",\n\s+"score": 25/ },
  { format: 'html', expect: /<td class="score poor">25<\/td>/ },
] satisfies { format: string; expect: RegExp }[];

for (const c of cases) {
  test(`tenancy report --format ${c.format} over manifest files`, async () => {
    const { stdout } = await run(['tenancy', 'report', FIXTURE, '--format', c.format]);
    assert.match(stdout, c.expect);
  });
}

test('tenancy report --snapshot --format json --output FILE', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kw-cli-tenancy-out-'));
  const out = join(dir, 'report.json');
  const { stdout } = await run([
    'tenancy',
    'report',
    '--snapshot',
    FIXTURE,
    '--format',
    'json',
    '--output',
    out,
  ]);
  assert.equal(stdout, '');
  const report = JSON.parse(await readFile(out, 'utf8')) as TenancyReport;
  assert.equal(report.generatedAt, '2026-11-28T12:00:00.000Z');
  assert.match(report.scoring.formula, /^score = max\(0, 100/);
  assert.deepEqual(
    report.tenants.map((t) => [t.namespace, t.score]),
    [
      ['leaky', 25],
      ['other', 85],
      ['secure', 99],
    ],
  );
});

test('tenancy report -n limits the namespaces', async () => {
  const { stdout } = await run(['tenancy', 'report', FIXTURE, '-n', 'secure', '--format', 'json']);
  const report = JSON.parse(stdout) as TenancyReport;
  assert.deepEqual(
    report.tenants.map((t) => t.namespace),
    ['secure'],
  );
});

test('tenancy report rejects an unknown format', async () => {
  await assert.rejects(run(['tenancy', 'report', FIXTURE, '--format', 'sarif']), {
    code: 'commander.invalidArgument',
  });
});
