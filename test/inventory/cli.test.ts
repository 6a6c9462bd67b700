import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Command } from 'commander';
import { register as registerFs } from '../../src/cli/commands/fs.js';
import { register as registerImage } from '../../src/cli/commands/image.js';
import type { CliContext } from '../../src/cli/context.js';
import { fixedClock } from '../../src/core/clock.js';
import { InputError, UsageError } from '../../src/core/errors.js';
import { testImages } from '../image/helpers/test-images.js';

const work = mkdtempSync(join(tmpdir(), 'kubeward-cli-'));
after(() => rmSync(work, { recursive: true, force: true }));

async function run(args: string[], stdin = ''): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const ctx: CliContext = {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    readStdin: async () => stdin,
    isTTY: false,
    cwd: work,
    env: { KUBEWARD_CACHE_DIR: join(work, 'cache'), DOCKER_CONFIG: join(work, 'no-docker-config') },
    clock: fixedClock('2025-01-02T03:04:05Z'),
    setExitCode: () => {},
  };
  const program = new Command('kubeward')
    .exitOverride()
    .configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr });
  registerImage(program, ctx);
  registerFs(program, ctx);
  for (const c of program.commands)
    for (const s of c.commands)
      s.exitOverride().configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr });
  await program.parseAsync(args, { from: 'user' });
  return { stdout, stderr };
}

describe('kubeward image sbom / fs sbom', () => {
  it('writes the JSON contract for an OCI layout to --output, caching layers under KUBEWARD_CACHE_DIR', async () => {
    const out = join(work, 'sbom.json');
    await run(['image', 'sbom', `oci:${testImages().layout}:debian`, '--format', 'json', '--output', out]);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as {
      packages: { name: string; ecosystem: string; purl: string; path: string }[];
    };
    assert.equal(doc.packages.length, testImages().dpkgQuery.length);
    assert.ok(
      doc.packages.every(
        (p) =>
          p.ecosystem === 'Debian' &&
          p.purl.startsWith('pkg:deb/debian/') &&
          p.path === 'var/lib/dpkg/status',
      ),
    );
    assert.ok(readFileSync(join(work, 'cache', 'cache.db')).length > 0);
  });

  it('prints a table for a directory', async () => {
    const { stdout } = await run(['fs', 'sbom', join(testImages().dir, 'app', 'srv'), '--format', 'table']);
    assert.match(stdout, /^npm\s+express\s+4\.19\.2\s+app\/node_modules\/express\/package\.json$/m);
  });

  it('rejects unusable flags and inputs with coded errors', async () => {
    await assert.rejects(
      run(['image', 'sbom', 'oci:/nonexistent/layout']),
      (e: unknown) => e instanceof InputError,
    );
    await assert.rejects(
      run(['image', 'sbom', 'x', '--platform', 'linux']),
      (e: unknown) => e instanceof UsageError,
    );
    await assert.rejects(
      run(['image', 'sbom', 'x', '--username', 'u']),
      (e: unknown) => e instanceof UsageError,
    );
    await assert.rejects(run(['image', 'sbom', 'UPPER/Case']), (e: unknown) => e instanceof UsageError);
  });
});
