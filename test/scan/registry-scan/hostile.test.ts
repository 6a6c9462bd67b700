// Hostile registry answers, from a small HTTP server (the real docker-registry cannot produce them): each is
// refused with a one-line error naming the repository or tag, the rest of the registry is still scanned, and the
// run ends with exit 3 (incomplete). Names that look like paths are never requested.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixedClock } from '../../../src/core/clock.js';
import {
  type Handler,
  type HostileRegistry,
  json,
  serveImage,
  startHostileRegistry,
  tinyImage,
} from './helpers/hostile-registry.js';
import { HIGH, buildVulnDb } from './helpers/vuln-db.js';
import { cli } from '../../cli/run-cli.js';
import type { CliRun } from '../../cli/run-cli.js';

const work = mkdtempSync(join(tmpdir(), 'kubeward-hostile-'));
const DB = join(work, 'vulndb.sqlite');

function scan(host: string, extra: string[] = []): Promise<CliRun> {
  return cli(
    [
      'registry',
      'scan',
      host,
      '--insecure',
      '--db',
      DB,
      '--store',
      join(work, 'store.db'),
      '--format',
      'json',
      '--restart',
      ...extra,
    ],
    {
      cwd: work,
      env: { KUBEWARD_CACHE_DIR: work, KUBEWARD_STATE_DIR: work },
      clock: fixedClock('2026-03-01T00:00:00Z'),
    },
  );
}

interface JsonReport {
  summary: { digests: number; scanned: number };
  images: { repository: string; references: string[]; vulnerabilities?: number }[];
  problems: string[];
  warnings: string[];
}

const servers: HostileRegistry[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

before(async () => {
  await buildVulnDb(
    DB,
    [{ id: 'KW-HOSTILE-1', package: 'minimist', fixed: '1.2.6', cvss: HIGH }],
    '2026-02-01T00:00:00Z',
  );
});

describe('registry scan against a hostile registry', () => {
  it('refuses each bad answer in one line and scans the good repository', async () => {
    const image = await tinyImage({ minimist: '1.2.5' });
    const loop: Handler = (req, res) => res.writeHead(302, { location: req.url ?? '/' }).end();
    const huge: Handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      let sent = 0;
      const pump = (): void => {
        while (sent < 16 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      res.on('error', () => undefined);
      pump();
    };
    const tags = (list: string[]) => json({ name: 'x', tags: list });
    const registry = await startHostileRegistry((url) => {
      const p = url.pathname;
      if (p === '/v2/_catalog')
        return json({
          repositories: [
            'good/app',
            '../../etc/passwd',
            'a/../b',
            '%2e%2e/x',
            'big/manifest',
            'wrong/type',
            'redirect/loop',
            'many/tags',
            'away/tags',
          ],
        });
      if (p.endsWith('/tags/list')) {
        if (p === '/v2/many/tags/tags/list') return tags(Array.from({ length: 20_000 }, (_, i) => `t${i}`));
        if (p === '/v2/away/tags/tags/list')
          return json(
            { name: 'away/tags', tags: ['1'] },
            { link: '<http://evil.example/v2/away/tags/tags/list?last=1>; rel="next"' },
          );
        return tags(['1']);
      }
      if (p === '/v2/big/manifest/manifests/1') return huge;
      if (p === '/v2/wrong/type/manifests/1')
        return (_req, res) =>
          res
            .writeHead(200, { 'content-type': 'application/vnd.example.widget' })
            .end('{"schemaVersion":2,"widget":true}');
      if (p.startsWith('/v2/redirect/loop/')) return loop;
      return serveImage(image, 'good/app')(url);
    });
    servers.push(registry);
    const run = await scan(registry.host);
    assert.equal(run.code, 3, run.stderr);
    assert.ok(run.stdout, run.stderr);
    const report = JSON.parse(run.stdout) as JsonReport;
    assert.deepEqual(
      report.images.map((i) => [i.repository, i.vulnerabilities]),
      [[`${registry.host}/good/app`, 1]],
    );
    const problems = report.problems;
    assert.equal(problems.length, 5, problems.join('\n'));
    for (const p of problems) assert.doesNotMatch(p, /\n/);
    const expect = [
      /^tags of 127\.0\.0\.1:\d+\/away\/tags: Link header points away from \/v2\/away\/tags\/tags\/list; refused$/,
      /^manifest 127\.0\.0\.1:\d+\/big\/manifest:1: (\d+ bytes is over|more than) the limit of 4194304( bytes)?$/,
      /^tags of 127\.0\.0\.1:\d+\/many\/tags: more than 10000 entries; refusing to go on$/,
      /^manifest 127\.0\.0\.1:\d+\/redirect\/loop:1: more than 5 redirects$/,
      /^127\.0\.0\.1:\d+\/wrong\/type:1: unsupported manifest media type application\/vnd\.example\.widget$/,
    ];
    for (const re of expect)
      assert.equal(problems.filter((p) => re.test(p)).length, 1, `${re}\n${problems.join('\n')}`);
    assert.match(
      report.warnings.join('\n'),
      /catalog of 127\.0\.0\.1:\d+: ignored 3 invalid repository names \("\.\.\/\.\.\/etc\/passwd", "a\/\.\.\/b", "%2e%2e\/x"\)/,
    );
    assert.equal(
      registry.requests.filter((r) => r.includes('..') || r.toLowerCase().includes('%2e')).length,
      0,
    );
    assert.match(
      run.stderr,
      /^kubeward: error: registry scan incomplete: 0 of 1 digests not scanned, 5 listing problems; /m,
    );
  });

  it('stops endless catalog pagination at the entry cap with one line', async () => {
    let page = 0;
    const registry = await startHostileRegistry((url) =>
      url.pathname === '/v2/_catalog'
        ? json(
            { repositories: Array.from({ length: 1000 }, (_, i) => `r${page}x${i}`) },
            { link: `</v2/_catalog?last=r${++page}&n=1000>; rel="next"` },
          )
        : undefined,
    );
    servers.push(registry);
    const run = await scan(registry.host);
    assert.equal(run.code, 3);
    assert.equal(run.stdout, '');
    assert.match(
      run.stderr,
      /^kubeward: error: catalog of 127\.0\.0\.1:\d+: more than 100000 entries; refusing to go on\n$/,
    );
    assert.ok(registry.requests.length <= 102, `${registry.requests.length} requests`);
  });

  it('stops a catalog whose pagination loops back to a page it already asked for', async () => {
    let counter = 0;
    const registry = await startHostileRegistry((url) =>
      url.pathname === '/v2/_catalog'
        ? json({ repositories: [`r${counter++}`] }, { link: '</v2/_catalog?last=a&n=500>; rel="next"' })
        : undefined,
    );
    servers.push(registry);
    const run = await scan(registry.host);
    assert.equal(run.code, 3, run.stderr);
    assert.match(
      run.stderr,
      /^kubeward: error: catalog of 127\.0\.0\.1:\d+: pagination loops back to \/v2\/_catalog\?last=a&n=500\n$/,
    );
    assert.equal(registry.requests.filter((r) => r.startsWith('/v2/_catalog')).length, 2);
  });
});

describe('registry scan --rate', () => {
  it('spaces every request to the registry at the given rate', async () => {
    const image = await tinyImage({ minimist: '1.2.5' });
    const registry = await startHostileRegistry((url) => {
      if (url.pathname === '/v2/_catalog') return json({ repositories: ['a/app', 'b/app'] });
      if (url.pathname.endsWith('/tags/list')) return json({ tags: ['1', '2'] });
      return serveImage(image, url.pathname.startsWith('/v2/a/') ? 'a/app' : 'b/app')(url);
    });
    servers.push(registry);
    const run = await scan(registry.host, ['--rate', '10/s', '--concurrency', '4', '--no-cache']);
    assert.equal(run.code, 0, run.stderr);
    const api = registry.times.filter((_, i) => registry.requests[i] !== '/v2/');
    assert.ok(api.length >= 10, `${api.length} requests`);
    // Slots are 100 ms apart and a request is never sent before its slot; it may arrive late (connection
    // set-up, a loaded machine), so the span is bounded from below by the slots minus that delay.
    const span = (api.at(-1) ?? 0) - (api[0] ?? 0);
    assert.ok(span >= (api.length - 1) * 100 - 150, `${api.length} requests in ${span.toFixed(0)} ms`);
  });
});
