import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { COMMANDS } from '../../src/cli/commands/index.js';
import type { CliContext } from '../../src/cli/context.js';
import { cli, testContext } from './run-cli.js';

const ctx: CliContext = testContext();

test('every entry registers exactly the command it names, with the summary --help shows', async () => {
  const names = COMMANDS.map((c) => c.name);
  assert.equal(new Set(names).size, names.length, 'command names are unique');
  for (const entry of COMMANDS) {
    const program = new Command('kubeward');
    (await entry.load()).register(program, ctx);
    assert.deepEqual(
      program.commands.map((c) => c.name()),
      [entry.name],
      `${entry.name}: registers one top-level command`,
    );
    assert.equal(program.commands[0]?.description(), entry.summary, `${entry.name}: summary`);
  }
});

test('--help lists every command without loading them; help CMD and CMD --help show its options', async () => {
  const top = await cli(['--help']);
  assert.equal(top.code, 0);
  for (const entry of COMMANDS) assert.match(top.stdout, new RegExp(`^  ${entry.name}\\b`, 'm'));
  const viaHelp = await cli(['help', 'verify']);
  assert.equal(viaHelp.code, 0);
  assert.match(viaHelp.stdout, /--trust-policy/);
  const viaFlag = await cli(['verify', '--help']);
  assert.match(viaFlag.stdout, /--trust-policy/);
  const debugFirst = await cli(['--debug', 'scan', '--help']);
  assert.match(debugFirst.stdout, /--fail-on/);
});

test('an unknown command is a usage error that suggests the close one', async () => {
  const run = await cli(['scna']);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /unknown command 'scna'/);
  assert.match(run.stderr, /Did you mean scan\?/);
});

test('the CLI imports only the command it runs', () => {
  const root = join(import.meta.dirname, '..', '..');
  const dir = mkdtempSync(join(tmpdir(), 'kw-imports-'));
  const importsOf = (args: string[]): string[] => {
    const log = join(dir, `${args.join('-')}.log`);
    writeFileSync(log, '');
    execFileSync(
      process.execPath,
      ['--import', 'tsx', '--import', './test/cli/helpers/record-imports.mjs', 'src/cli/main.ts', ...args],
      { cwd: root, env: { ...process.env, KUBEWARD_IMPORT_LOG: log }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    return readFileSync(log, 'utf8').split('\n');
  };
  const commandModules = (urls: string[]): string[] =>
    [...new Set(urls.filter((u) => /\/src\/cli\/commands\/[a-z-]+\.ts$/.test(u)))].map((u) =>
      u.replace(/.*\/commands\//, ''),
    );
  try {
    // --version and --help: the list only, no command module, no SQLite.
    for (const args of [['--version'], ['--help']]) {
      const urls = importsOf(args);
      assert.deepEqual(commandModules(urls), ['index.ts'], args.join(' '));
      assert.ok(!urls.some((u) => u.includes('better-sqlite3')), `${args.join(' ')} loads SQLite`);
    }
    // A command loads itself (and what it registers under it), nothing else.
    assert.deepEqual(commandModules(importsOf(['netpol', '--help'])), ['index.ts', 'netpol.ts']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('control characters in an error (a hostile file name) are shown escaped, never sent to the terminal', async () => {
  const run = await cli(['scan', '/nonexistent\x1b[2J\x07.yaml']);
  assert.equal(run.code, 3);
  assert.equal(run.stderr, 'kubeward: error: /nonexistent\\x1b[2J\\x07.yaml: cannot read: ENOENT\n');
});
