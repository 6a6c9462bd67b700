import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Command, CommanderError } from 'commander';
import { register as registerSign } from '../../src/cli/commands/sign.js';
import { register as registerVerify } from '../../src/cli/commands/verify.js';
import type { CliContext } from '../../src/cli/context.js';
import { exitCodeFor } from '../../src/cli/exit-codes.js';
import { fixedClock } from '../../src/core/clock.js';
import { parseCertificates } from '../../src/signing/certs.js';
import { createNotationSignature, loadPrivateKey } from '../../src/signing/notation/index.js';
import { type TestPki, makePki, policy } from '../signing/pki.js';
import { testContext } from './run-cli.js';

// The lead wires sign/verify into commands/index.ts; until then the two commands run on their own program.
async function cli(args: string[], at: Date): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  let code = 0;
  const ctx: CliContext = testContext({
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    clock: fixedClock(at.toISOString()),
    setExitCode: (c) => (code = Math.max(code, c)),
  });
  const program = new Command('kubeward')
    .exitOverride()
    .configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr });
  registerSign(program, ctx);
  registerVerify(program, ctx);
  for (const sub of program.commands)
    sub.exitOverride().configureOutput({ writeOut: ctx.stdout, writeErr: ctx.stderr });
  try {
    await program.parseAsync(args, { from: 'user' });
  } catch (error) {
    code = error instanceof CommanderError ? 2 : exitCodeFor(error);
    stderr += String(error);
  }
  return { code, stdout, stderr };
}

let dir: string;
let pki: TestPki;
let now: Date;
const DIGEST = `sha256:${'c'.repeat(64)}`;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeward-cli-sign-'));
  pki = makePki(join(dir, 'pki'));
  now = new Date(Date.now() + 60_000);
  writeFileSync(join(dir, 'strict.json'), JSON.stringify(policy('strict')));
  writeFileSync(join(dir, 'audit.json'), JSON.stringify(policy('audit')));
  for (const [name, leaf] of [
    ['good', pki.ec],
    ['short', pki.shortLived],
  ] as const) {
    const { envelope } = createNotationSignature({
      target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: DIGEST, size: 10 },
      key: loadPrivateKey(readFileSync(leaf.key), 'key'),
      chain: parseCertificates(readFileSync(leaf.chain), 'chain'),
      format: 'cose',
      clock: fixedClock(now.toISOString()),
    });
    writeFileSync(join(dir, `${name}.cose`), envelope);
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

const envelopeArgs = (file: string, pol: string, digest = DIGEST) => [
  'verify',
  '--envelope',
  join(dir, file),
  '--media-type',
  'application/cose',
  '--artifact',
  `registry.example/app@${digest}`,
  '--trust-policy',
  join(dir, pol),
  '--trust-store',
  pki.trustStore,
  '--format',
  'json',
];

describe('kubeward verify --envelope', () => {
  const later = () => new Date(now.getTime() + 3 * 86_400_000);
  const cases = [
    { name: 'a good signature is accepted', file: 'good.cose', pol: 'strict.json', at: () => now, code: 0 },
    {
      name: 'another artifact fails integrity',
      file: 'good.cose',
      pol: 'audit.json',
      at: () => now,
      code: 1,
      digest: `sha256:${'d'.repeat(64)}`,
      failed: 'integrity',
    },
    {
      name: 'an expired certificate fails under strict',
      file: 'short.cose',
      pol: 'strict.json',
      at: later,
      code: 1,
      failed: 'authenticTimestamp',
    },
    {
      name: 'an expired certificate is logged under audit',
      file: 'short.cose',
      pol: 'audit.json',
      at: later,
      code: 0,
      failed: 'authenticTimestamp',
    },
  ];
  for (const c of cases)
    it(c.name, async () => {
      const res = await cli(envelopeArgs(c.file, c.pol, c.digest), c.at());
      assert.equal(res.code, c.code, res.stderr + res.stdout);
      const json = JSON.parse(res.stdout) as {
        accepted: boolean;
        results: { check: string; status: string; detail: string }[];
      };
      assert.equal(json.accepted, c.code === 0);
      assert.equal(json.results.length, 5);
      if (c.failed) assert.equal(json.results.find((r) => r.check === c.failed)?.status, 'failed');
    });

  it('a missing trust store is a configuration error (exit 2)', async () => {
    const res = await cli(
      [...envelopeArgs('good.cose', 'strict.json').slice(0, -4), '--trust-store', join(dir, 'nope')],
      now,
    );
    assert.equal(res.code, 2);
  });
});
