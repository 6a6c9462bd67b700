// Provenance: the build ledger file (atomic appends, line-exact errors), the CI pipeline identity, and originOf
// against the real docker-registry with the real test images, signed by kubeward's Notation signer.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { fixedClock } from '../../src/core/clock.js';
import { InputError, RemoteError, UsageError } from '../../src/core/errors.js';
import { parseReference } from '../../src/image/index.js';
import { parseCertificates } from '../../src/signing/certs.js';
import {
  loadPrivateKey,
  openTrustStore,
  parseTrustPolicy,
  signImage,
} from '../../src/signing/notation/index.js';
import {
  fileLedger,
  pipelineIdentity,
  readLedgerFile,
  type BuildLedger,
} from '../../src/scan/build-ledger.js';
import { originOf } from '../../src/scan/provenance.js';
import type { BuildRecord } from '../../src/store/model.js';
import { type RunningRegistry, pushWithSkopeo, startRegistry } from '../image/helpers/registry.js';
import { testImages } from '../image/helpers/test-images.js';
import { type TestPki, makePki, policy } from '../signing/pki.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'kubeward-provenance-'));
const access = { insecure: true, dockerConfig: false as const };
const clock = fixedClock(new Date(Date.now() + 60_000).toISOString());
const digestA = `sha256:${'a'.repeat(64)}`;

function build(digest: string, pipeline = 'github:org/repo#run=1'): BuildRecord {
  return { digest, repository: 'reg.example/app', pipeline, recordedAt: '2026-11-28T12:00:00.000Z' };
}

after(() => rmSync(dir, { recursive: true, force: true }));

describe('pipeline identity from the CI environment', () => {
  const cases = [
    {
      env: {
        GITHUB_REPOSITORY: 'org/repo',
        GITHUB_WORKFLOW_REF: 'org/repo/.github/workflows/ci.yml@refs/heads/main',
        GITHUB_RUN_ID: '42',
      },
      want: 'github:org/repo/.github/workflows/ci.yml@refs/heads/main#run=42',
    },
    { env: { GITHUB_REPOSITORY: 'org/repo' }, want: 'github:org/repo' },
    {
      env: { BUILD_REPOSITORY_NAME: 'shop', BUILD_DEFINITIONNAME: 'shop-ci', BUILD_BUILDID: '7' },
      want: 'azure:shop/shop-ci#build=7',
    },
    { env: { CI_PROJECT_PATH: 'group/proj', CI_PIPELINE_ID: '99' }, want: 'gitlab:group/proj#pipeline=99' },
  ] satisfies { env: NodeJS.ProcessEnv; want: string }[];
  for (const c of cases)
    it(c.want, () => {
      assert.equal(pipelineIdentity(c.env), c.want);
    });
  it('an explicit --pipeline wins; outside CI it is required', () => {
    assert.equal(pipelineIdentity({ GITHUB_REPOSITORY: 'org/repo' }, 'manual-1'), 'manual-1');
    assert.throws(() => pipelineIdentity({}), UsageError);
    assert.throws(() => pipelineIdentity({}, '  '), UsageError);
  });
});

describe('ledger file', () => {
  it('concurrent appends from separate processes stay whole lines', async () => {
    const file = join(dir, 'concurrent.jsonl');
    const script = `
      import { fileLedger } from ${JSON.stringify(join(import.meta.dirname, '../../src/scan/build-ledger.ts'))};
      const l = fileLedger(process.argv[1]);
      const id = Number(process.argv[2]);
      for (let i = 0; i < 25; i++)
        await l.record({ digest: 'sha256:' + (id * 100 + i).toString(16).padStart(64, '0'),
          repository: 'reg.example/app', pipeline: 'p'.repeat(900) + id, recordedAt: new Date().toISOString() });
    `;
    await Promise.all(
      [1, 2, 3, 4].map((id) =>
        run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, file, String(id)]),
      ),
    );
    const records = await readLedgerFile(file);
    assert.equal(records.length, 100);
    assert.equal(new Set(records.map((r) => r.digest)).size, 100);
    const found = await fileLedger(file).find(`sha256:${(3 * 100 + 7).toString(16).padStart(64, '0')}`);
    assert.equal(found?.pipeline.endsWith('3'), true);
  });

  it('find returns the earliest record of a digest, as the store does', async () => {
    const ledger = fileLedger(join(dir, 'twice.jsonl'));
    await ledger.record(build(digestA, 'first'));
    await ledger.record(build(digestA, 'second'));
    assert.equal((await ledger.find(digestA))?.pipeline, 'first');
    assert.equal(await ledger.find(`sha256:${'b'.repeat(64)}`), undefined);
  });

  const bad = [
    { text: '{"digest":"sha256:zz"', want: /bad\.jsonl:2: not JSON/ },
    {
      text: JSON.stringify({ ...build(digestA), digest: 'sha256:abc' }),
      want: /bad\.jsonl:2: digest: must be sha256:<64 hex>/,
    },
    { text: JSON.stringify({ ...build(digestA), extra: 1 }), want: /bad\.jsonl:2: record: / },
    {
      text: JSON.stringify({ ...build(digestA), recordedAt: 'yesterday' }),
      want: /bad\.jsonl:2: recordedAt/,
    },
  ];
  for (const c of bad)
    it(`a bad line is an InputError naming file and line: ${c.want.source}`, async () => {
      const file = join(dir, 'bad.jsonl');
      writeFileSync(file, `${JSON.stringify(build(digestA))}\n${c.text}\n`);
      await assert.rejects(
        readLedgerFile(file),
        (e: unknown) => e instanceof InputError && c.want.test(e.message),
      );
    });

  it('a missing ledger file is an InputError with its path', async () => {
    await assert.rejects(readLedgerFile(join(dir, 'nope.jsonl')), /cannot read ledger .*nope\.jsonl/);
  });
});

describe('originOf against docker-registry with the real test images', () => {
  let registry: RunningRegistry;
  let pki: TestPki;
  let signedDigest = '';
  let plainDigest = '';
  let untrustedDigest = '';
  const trust = () => ({
    policy: parseTrustPolicy(policy('strict')),
    trustStore: openTrustStore(pki.trustStore),
  });
  const image = (tag: string, digest: string) => ({
    reference: `${registry.host}/${tag}`,
    repository: `${registry.host}/${tag.split(':')[0] ?? ''}`,
    digest,
  });

  before(async () => {
    pki = makePki(join(dir, 'pki'));
    registry = await startRegistry({ dir: join(dir, 'registry') });
    const images = testImages();
    await pushWithSkopeo(`oci:${images.layout}:app`, registry, 'prov/signed:1');
    await pushWithSkopeo(`oci:${images.layout}:debian`, registry, 'prov/plain:1');
    await pushWithSkopeo(`oci:${images.layout}:app`, registry, 'prov/untrusted:1', ['--format', 'v2s2']);
    const sign = async (tag: string, leaf: TestPki['ec']): Promise<string> =>
      (
        await signImage(parseReference(`${registry.host}/${tag}`), {
          key: loadPrivateKey(readFileSync(leaf.key), 'key'),
          chain: parseCertificates(readFileSync(leaf.chain), 'chain'),
          format: 'jws',
          clock,
          access,
        })
      ).target.digest;
    signedDigest = await sign('prov/signed:1', pki.ec);
    untrustedDigest = await sign('prov/untrusted:1', pki.untrusted);
    const { stdout } = await run('skopeo', [
      'inspect',
      '--tls-verify=false',
      '--format',
      '{{.Digest}}',
      `docker://${registry.host}/prov/plain:1`,
    ]);
    plainDigest = stdout.trim();
  });
  after(async () => {
    await registry?.stop();
  });

  it('a signature the trust policy accepts makes the origin "signed"', async () => {
    const result = await originOf(image('prov/signed:1', signedDigest), { trust: trust(), clock, access });
    assert.equal(result.origin, 'signed', result.detail);
    assert.match(result.detail, /CN=ec-signer/);
  });

  it('an untrusted signer and no ledger entry is "unknown", saying why', async () => {
    writeFileSync(join(dir, 'empty.jsonl'), '');
    const result = await originOf(image('prov/untrusted:1', untrustedDigest), {
      trust: trust(),
      ledgers: [fileLedger(join(dir, 'empty.jsonl'))],
      clock,
      access,
    });
    assert.equal(result.origin, 'unknown');
    assert.match(result.detail, /authenticity|does not lead to a certificate/);
  });

  it('an unsigned image is "ledger" when its digest was recorded, "unknown" otherwise', async () => {
    const file = join(dir, 'ci-ledger.jsonl');
    const ledger: BuildLedger = fileLedger(file);
    writeFileSync(file, '');
    const before = await originOf(image('prov/plain:1', plainDigest), {
      trust: trust(),
      ledgers: [ledger],
      clock,
      access,
    });
    assert.equal(before.origin, 'unknown');
    assert.match(before.detail, /no Notation signature found/);
    await ledger.record({ ...build(plainDigest, 'gitlab:group/proj#pipeline=5'), repository: 'x/y' });
    const afterRecord = await originOf(image('prov/plain:1', plainDigest), {
      trust: trust(),
      ledgers: [ledger],
      clock,
      access,
    });
    assert.equal(afterRecord.origin, 'ledger');
    assert.match(afterRecord.detail, /gitlab:group\/proj#pipeline=5/);
  });

  it('without a trust policy only the ledger counts', async () => {
    const result = await originOf(image('prov/signed:1', signedDigest), { clock, access });
    assert.equal(result.origin, 'unknown');
    assert.match(result.detail, /signatures not checked/);
  });

  it('a registry that cannot answer is an error, not "unknown" (unless the ledger vouches)', async () => {
    const stopped = await startRegistry({ dir: join(dir, 'registry-2'), storage: registry.storage });
    const host = stopped.host;
    await stopped.stop();
    const target = {
      reference: `${host}/prov/plain:1`,
      repository: `${host}/prov/plain`,
      digest: plainDigest,
    };
    await assert.rejects(
      originOf(target, { trust: trust(), clock, access: { ...access, timeoutMs: 2000 } }),
      (e: unknown) => e instanceof RemoteError && e.message.includes(host),
    );
    const ledger = fileLedger(join(dir, 'ci-ledger.jsonl'));
    const result = await originOf(target, {
      trust: trust(),
      ledgers: [ledger],
      clock,
      access: { ...access, timeoutMs: 2000 },
    });
    assert.equal(result.origin, 'ledger');
  });
});
