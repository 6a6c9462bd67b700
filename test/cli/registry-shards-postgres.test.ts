// `registry scan --shard I/N` as an indexed Job runs it: N shards at the same time, writing to one real
// PostgreSQL store (test/helpers/postgres.ts); together they cover the registry exactly once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run.js';
import { fixedClock } from '../../src/core/clock.js';
import type { DriftReport } from '../../src/scan/registry-scan/index.js';
import { openStore } from '../../src/store/index.js';
import { type RunningPostgres, postgresUnavailable, startPostgres } from '../helpers/postgres.js';
import { type RunningRegistry, startRegistry } from '../image/helpers/registry.js';
import { testImages } from '../image/helpers/test-images.js';
import { buildVariants, pushFromLayout } from '../scan/registry-scan/helpers/variants.js';
import { MEDIUM, buildVulnDb } from '../scan/registry-scan/helpers/vuln-db.js';
import { testContext } from './run-cli.js';

const skip = postgresUnavailable();
const work = mkdtempSync(join(tmpdir(), 'kubeward-shards-'));
const DB = join(work, 'vulndb.sqlite');
const REPOS = ['apps/api', 'apps/web', 'apps/worker', 'data/etl', 'data/loader', 'ops/backup', 'ops/proxy'];
let postgres: RunningPostgres | undefined;
let registry: RunningRegistry | undefined;

before(async () => {
  if (skip) return;
  postgres = await startPostgres();
  registry = await startRegistry({ dir: join(work, 'registry') });
  const layout = await buildVariants(
    testImages().layout,
    'debian',
    join(work, 'layout'),
    REPOS.map((r, i) => ({ name: `v${i}`, npm: { minimist: '1.2.5' }, marker: r })),
  );
  for (const [i, repo] of REPOS.entries()) await pushFromLayout(layout, `v${i}`, registry, `${repo}:1`);
  await buildVulnDb(
    DB,
    [{ id: 'KW-SHARD-1', package: 'minimist', fixed: '1.2.6', cvss: MEDIUM }],
    '2026-01-01T00:00:00Z',
  );
});

after(async () => {
  await registry?.stop();
  await postgres?.stop();
});

test(
  'three shards at once cover every repository exactly once in one PostgreSQL store',
  { skip },
  async () => {
    const host = registry?.host ?? '';
    const store = (await postgres?.createDatabase()) ?? '';
    const shard = async (index: number): Promise<DriftReport> => {
      let stdout = '';
      let stderr = '';
      const code = await runCli(
        [
          'registry',
          'scan',
          host,
          '--insecure',
          '--db',
          DB,
          '--store',
          store,
          '--shard',
          `${index}/3`,
          '-f',
          'json',
        ],
        testContext({
          stdout: (t) => (stdout += t),
          stderr: (t) => (stderr += t),
          cwd: work,
          env: { KUBEWARD_CACHE_DIR: join(work, `cache-${index}`), KUBEWARD_STATE_DIR: work },
          clock: fixedClock('2026-01-02T00:00:00Z'),
        }),
      );
      assert.equal(code, 0, stderr);
      assert.doesNotMatch(stderr, /password|kw-test-Secret/);
      return JSON.parse(stdout) as DriftReport;
    };
    const reports = await Promise.all([0, 1, 2].map(shard));
    const covered = reports.flatMap((r) => r.images.map((i) => i.repository.replace(/^[^/]+\//, '')));
    assert.deepEqual([...covered].sort(), [...REPOS].sort());
    assert.ok(
      reports.every((r) => r.run.complete && r.images.length > 0),
      'every shard got work',
    );
    const opened = await openStore(store);
    try {
      const latest = await opened.latestImageScans(`${host}/`);
      assert.equal(latest.length, REPOS.length);
      assert.ok(latest.every((r) => r.vulnerabilities.map((v) => v.id).join() === 'KW-SHARD-1'));
      for (let index = 0; index < 3; index++) {
        assert.equal(await opened.unfinishedRun(`${host}#shard ${index}/3`), undefined);
      }
    } finally {
      await opened.close();
    }
  },
);
