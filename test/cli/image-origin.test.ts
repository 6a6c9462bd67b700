// `image scan --record-build` and `image origin` end to end, in-process, against the real docker-registry with the
// real test images: the build ledger in the SQLite store and in a JSON-lines file, and a Notation signature.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../src/cli/run.js';
import { fixedClock } from '../../src/core/clock.js';
import { openStore } from '../../src/store/index.js';
import { type RunningRegistry, pushWithSkopeo, startRegistry } from '../image/helpers/registry.js';
import { testImages } from '../image/helpers/test-images.js';
import { makePki, policy } from '../signing/pki.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const work = mkdtempSync(join(tmpdir(), 'kubeward-origin-cli-'));
const DB = join(work, 'vulndb.sqlite');
const GITHUB = {
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_WORKFLOW_REF: 'acme/shop/.github/workflows/build.yml@refs/heads/main',
  GITHUB_RUN_ID: '4242',
};
let registry: RunningRegistry;

async function kubeward(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    readStdin: async () => '',
    isTTY: false,
    cwd: work,
    env: { KUBEWARD_CACHE_DIR: work, KUBEWARD_STATE_DIR: work, ...env },
    // Ahead of the test certificates' notBefore, so freshly made signatures are inside their validity.
    clock: fixedClock(new Date(Date.now() + 60_000).toISOString()),
    setExitCode: () => undefined,
  });
  return { code, stdout, stderr };
}

before(async () => {
  registry = await startRegistry({ dir: join(work, 'registry') });
  const images = testImages();
  await pushWithSkopeo(`oci:${images.layout}:app`, registry, 'shop/app:1');
  await pushWithSkopeo(`oci:${images.layout}:debian`, registry, 'shop/base:1');
  const update = await kubeward([
    'db',
    'update',
    '--db',
    DB,
    '--source',
    join(FIXTURES, 'osv', 'real', 'records'),
  ]);
  assert.equal(update.code, 0, update.stderr);
});
after(async () => {
  await registry?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe('image scan --record-build and image origin', () => {
  it('records the build in the local store from the GitHub Actions environment; origin then says LEDGER', async () => {
    const ref = `${registry.host}/shop/app:1`;
    const before = await kubeward(['image', 'origin', ref, '--insecure']);
    assert.equal(before.code, 1, before.stderr);
    assert.match(before.stdout, /^UNKNOWN /);
    const scan = await kubeward(
      ['image', 'scan', ref, '--insecure', '--db', DB, '--format', 'json', '--record-build'],
      GITHUB,
    );
    assert.equal(scan.code, 0, scan.stderr);
    assert.match(scan.stderr, /recorded build .*shop\/app@sha256:[a-f0-9]{64} by github:acme\/shop\//);
    const digest = /@(sha256:[a-f0-9]{64})/.exec(scan.stderr)?.[1] ?? '';
    const store = await openStore(join(work, 'store.db'));
    try {
      const build = await store.findBuild(digest);
      assert.equal(build?.pipeline, 'github:acme/shop/.github/workflows/build.yml@refs/heads/main#run=4242');
      assert.equal(build?.repository, `${registry.host}/shop/app`);
    } finally {
      await store.close();
    }
    const origin = await kubeward(['image', 'origin', ref, '--insecure', '--format', 'json']);
    assert.equal(origin.code, 0, origin.stderr);
    const json = JSON.parse(origin.stdout) as { origin: string; digest: string; detail: string };
    assert.deepEqual([json.origin, json.digest], ['ledger', digest]);
    assert.match(json.detail, /run=4242/);
  });

  it('records into a published ledger file with --pipeline; bad ledger lines are exit 3 naming the line', async () => {
    const ledger = join(work, 'ledger.jsonl');
    const ref = `${registry.host}/shop/base:1`;
    const scan = await kubeward([
      'image',
      'scan',
      ref,
      '--insecure',
      '--db',
      DB,
      '--format',
      'json',
      '--record-build',
      '--pipeline',
      'jenkins:shop#17',
      '--ledger',
      ledger,
    ]);
    assert.equal(scan.code, 0, scan.stderr);
    const lines = readFileSync(ledger, 'utf8').trim().split('\n');
    assert.equal(lines.length, 1);
    assert.equal((JSON.parse(lines[0] ?? '') as { pipeline: string }).pipeline, 'jenkins:shop#17');
    const origin = await kubeward(['image', 'origin', ref, '--insecure', '--ledger', ledger]);
    assert.equal(origin.code, 0, origin.stderr);
    assert.match(origin.stdout, /^LEDGER .*\n {2}built by jenkins:shop#17/);
    // Only the file was asked: the store does not know this image.
    const storeOnly = await kubeward(['image', 'origin', ref, '--insecure']);
    assert.equal(storeOnly.code, 1);
    writeFileSync(ledger, `${lines[0] ?? ''}\n{"digest": 1}\n`);
    const bad = await kubeward(['image', 'origin', ref, '--insecure', '--ledger', ledger]);
    assert.equal(bad.code, 3);
    assert.match(bad.stderr, /ledger\.jsonl:2: digest: /);
  });

  it('--record-build outside CI without --pipeline is a usage error before scanning', async () => {
    const r = await kubeward([
      'image',
      'scan',
      `${registry.host}/shop/app:1`,
      '--insecure',
      '--record-build',
    ]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no CI pipeline detected.*--pipeline/);
    const lone = await kubeward(['image', 'scan', `${registry.host}/shop/app:1`, '--pipeline', 'x']);
    assert.equal(lone.code, 2);
  });

  it('a signature the trust policy accepts: origin SIGNED; without the policy the same image is UNKNOWN', async () => {
    const pki = makePki(join(work, 'pki'));
    writeFileSync(join(work, 'trustpolicy.json'), JSON.stringify(policy('strict')));
    await pushWithSkopeo(`oci:${testImages().layout}:app`, registry, 'shop/signed:1', ['--format', 'v2s2']);
    const ref = `${registry.host}/shop/signed:1`;
    const sign = await kubeward(['sign', ref, '--key', pki.ec.key, '--cert', pki.ec.chain, '--insecure']);
    assert.equal(sign.code, 0, sign.stderr);
    const trustFlags = ['--trust-policy', 'trustpolicy.json', '--trust-store', pki.trustStore];
    const signed = await kubeward(['image', 'origin', ref, '--insecure', ...trustFlags]);
    assert.equal(signed.code, 0, signed.stderr);
    assert.match(signed.stdout, /^SIGNED .*\n {2}Notation signature by ".*CN=ec-signer/);
    const unsigned = await kubeward([
      'image',
      'origin',
      `${registry.host}/shop/base:1`,
      '--insecure',
      ...trustFlags,
    ]);
    assert.equal(unsigned.code, 1);
    assert.match(unsigned.stdout, /no Notation signature found/);
    const half = await kubeward(['image', 'origin', ref, '--insecure', '--trust-policy', 'trustpolicy.json']);
    assert.equal(half.code, 2);
  });
});
