// The pure parts of registry scan: targets and shards, the throttle, pagination over a scripted API, and drift.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../../src/core/errors.js';
import {
  type ApiReader,
  DEFAULT_LISTING_LIMITS,
  compareScans,
  createThrottle,
  inScope,
  listRepositories,
  listTags,
  parseRate,
  parseRegistryTarget,
  parseShard,
  shardOf,
} from '../../../src/scan/registry-scan/index.js';
import type { ImageScanRecord, StoredVuln } from '../../../src/store/model.js';

describe('targets and shards', () => {
  it('parses HOST[:PORT][/prefix] and refuses anything else in one line', () => {
    assert.deepEqual(parseRegistryTarget('registry.example.com'), { registry: 'registry.example.com' });
    assert.deepEqual(parseRegistryTarget('127.0.0.1:5000/team/app/'), {
      registry: '127.0.0.1:5000',
      prefix: 'team/app',
    });
    assert.deepEqual(parseRegistryTarget('https://r.example.com/team'), {
      registry: 'r.example.com',
      prefix: 'team',
    });
    for (const bad of ['', 'host/../etc', 'host/Team', 'ho st', 'host/a//b']) {
      assert.throws(() => parseRegistryTarget(bad), UsageError, bad);
    }
  });

  it('keeps a prefix to whole path components', () => {
    const target = { registry: 'r', prefix: 'team' };
    assert.deepEqual(
      ['team', 'team/app', 'team/a/b', 'teamx/app', 'other/team'].map((r) => inScope(r, target, undefined)),
      [true, true, true, false, false],
    );
  });

  it('N shards partition the repositories: each in exactly one, none empty', () => {
    const repos = Array.from({ length: 600 }, (_, i) => `org${i % 7}/service-${i}`);
    for (const count of [1, 2, 3, 8]) {
      const perShard = Array.from({ length: count }, (_, index) =>
        repos.filter((r) => inScope(r, { registry: 'r' }, { index, count })),
      );
      assert.equal(perShard.flat().length, repos.length);
      assert.equal(new Set(perShard.flat()).size, repos.length);
      for (const shard of perShard) assert.ok(shard.length > repos.length / count / 2, `count ${count}`);
    }
    assert.equal(shardOf('team/app', 5), shardOf('team/app', 5));
  });

  it('parses --shard and --rate, refusing bad values', () => {
    assert.deepEqual(parseShard('2/5'), { index: 2, count: 5 });
    for (const bad of ['5/5', '1/0', '-1/3', 'a/b', '1'])
      assert.throws(() => parseShard(bad), UsageError, bad);
    assert.equal(parseRate('20/s'), 20);
    assert.equal(parseRate('0.5'), 0.5);
    for (const bad of ['0', 'x', '-1/s']) assert.throws(() => parseRate(bad), UsageError, bad);
  });
});

describe('throttle', () => {
  it('spaces requests 1/rate apart over all callers', async () => {
    let now = 1000;
    const slept: number[] = [];
    const throttle = createThrottle(
      10,
      () => now,
      async (ms) => {
        slept.push(ms);
      },
    );
    await Promise.all([throttle(), throttle(), throttle(), throttle()]);
    assert.deepEqual(slept, [100, 200, 300]);
    now = 5000; // idle for a while: no debt carried over
    await throttle();
    assert.equal(slept.length, 3);
  });
});

/** A scripted API: path -> answer; records the paths asked for. */
function api(pages: Record<string, { body: unknown; link?: string }>): ApiReader & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async fetchApi(path) {
      asked.push(path);
      const page = pages[path];
      if (!page) throw new Error(`unexpected ${path}`);
      return { body: Buffer.from(JSON.stringify(page.body)), ...(page.link ? { link: page.link } : {}) };
    },
  };
}

describe('pagination', () => {
  const limits = { ...DEFAULT_LISTING_LIMITS, pageSize: 2 };

  it('follows Link headers (distribution 2.8 catalog)', async () => {
    const reader = api({
      '/v2/_catalog?n=2': {
        body: { repositories: ['a', 'b'] },
        link: '</v2/_catalog?last=b&n=2>; rel="next"',
      },
      '/v2/_catalog?last=b&n=2': { body: { repositories: ['c'] } },
    });
    assert.deepEqual((await listRepositories(reader, 'r', limits)).names, ['a', 'b', 'c']);
  });

  it('pages with n and last when a registry sends no Link header', async () => {
    const reader = api({
      '/v2/x/tags/list?n=2': { body: { tags: ['1', '2'] } },
      '/v2/x/tags/list?n=2&last=2': { body: { tags: ['3'] } },
    });
    assert.deepEqual((await listTags(reader, 'r', 'x', limits)).names, ['1', '2', '3']);
  });

  it('stops when a page brings nothing new (tags/list ignoring n) and reads null tags as none', async () => {
    const reader = api({
      '/v2/x/tags/list?n=2': { body: { tags: ['1', '2'] } },
      '/v2/x/tags/list?n=2&last=2': { body: { tags: ['1', '2'] } },
      '/v2/y/tags/list?n=2': { body: { name: 'y', tags: null } },
    });
    assert.deepEqual((await listTags(reader, 'r', 'x', limits)).names, ['1', '2']);
    assert.deepEqual((await listTags(reader, 'r', 'y', limits)).names, []);
  });

  it('refuses pages that are not lists of strings', async () => {
    const reader = api({ '/v2/_catalog?n=2': { body: { repositories: [1, 2] } } });
    await assert.rejects(
      listRepositories(reader, 'r', limits),
      /catalog of r: "repositories" is not a list of strings/,
    );
  });
});

const vuln = (id: string, pkg: string, extra: Partial<StoredVuln> = {}): StoredVuln => ({
  id,
  aliases: [],
  package: pkg,
  installed: pkg.split('@')[1] ?? '',
  fixedIn: [],
  status: 'not-fixed',
  severity: 'high',
  ...extra,
});

const record = (vulnerabilities: StoredVuln[]): ImageScanRecord => ({
  digest: 'sha256:x',
  repository: 'r/x',
  tags: [],
  scannedAt: '2026-01-01T00:00:00Z',
  dbVersion: 'v',
  packages: 1,
  vulnerabilities,
});

describe('compareScans', () => {
  const cases = [
    {
      name: 'unchanged',
      before: [vuln('A', 'p@1')],
      after: [vuln('A', 'p@1')],
      expect: { new: [], fix: [], gone: [] },
    },
    {
      name: 'a fixed version appears',
      before: [vuln('A', 'p@1')],
      after: [vuln('A', 'p@1', { fixedIn: ['2'], status: 'fixed' })],
      expect: { new: [], fix: ['A p@1'], gone: [] },
    },
    {
      name: 'the vendor marks it fixed without a version',
      before: [vuln('A', 'p@1', { status: 'unknown' })],
      after: [vuln('A', 'p@1', { status: 'fixed' })],
      expect: { new: [], fix: ['A p@1'], gone: [] },
    },
    {
      name: 'the representing id changes to an alias: not drift',
      before: [vuln('GHSA-1', 'p@1', { aliases: ['CVE-1'] })],
      after: [vuln('CVE-1', 'p@1', { aliases: ['GHSA-1'] })],
      expect: { new: [], fix: [], gone: [] },
    },
    {
      name: 'new advisory, and one gone; same id in another package is another finding',
      before: [vuln('A', 'p@1'), vuln('B', 'q@1')],
      after: [vuln('A', 'p@1'), vuln('B', 'r@1'), vuln('C', 'p@1')],
      expect: { new: ['C p@1', 'B r@1'], fix: [], gone: ['B q@1'] },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const changes = compareScans(record(c.before), record(c.after));
      const names = (list: StoredVuln[]): string[] => list.map((v) => `${v.id} ${v.package}`);
      assert.deepEqual(
        {
          new: names(changes.newVulnerabilities),
          fix: names(changes.fixAvailable),
          gone: names(changes.disappeared),
        },
        c.expect,
      );
    });
  }

  it('no previous scan: nothing is drift', () => {
    const changes = compareScans(undefined, record([vuln('A', 'p@1')]));
    assert.equal(
      changes.newVulnerabilities.length + changes.fixAvailable.length + changes.disappeared.length,
      0,
    );
  });
});
