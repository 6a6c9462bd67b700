// `registry scan` of 50 repositories in the real docker-registry, each image the Debian test base plus one small
// distinct layer, next to floors measured in the same run with the same client and the same concurrency:
// fetching every blob of every image with no analysis (what a scanner without a layer cache must read), and
// fetching each distinct blob once (the least any scanner must read). The scan starts with a cold layer cache.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { runCli } from '../src/cli/run.js';
import { fixedClock, systemClock } from '../src/core/clock.js';
import { parseManifest } from '../src/image/manifest.js';
import { RegistryClient } from '../src/image/registry-client.js';
import { runPool } from '../src/scan/registry-scan/pool.js';
import { scanRegistry } from '../src/scan/registry-scan/index.js';
import { openStore } from '../src/store/index.js';
import { pushWithSkopeo, startRegistry } from '../test/image/helpers/registry.js';
import { testImages } from '../test/image/helpers/test-images.js';
import { buildVariants, pushFromLayout } from '../test/scan/registry-scan/helpers/variants.js';
import type { Bench, BenchResult } from './types.js';

const REPOSITORIES = Number(process.env['KUBEWARD_BENCH_REPOSITORIES'] ?? 50);
const CONCURRENCY = 4;
const FIXTURES = join(import.meta.dirname, '..', 'test', 'fixtures', 'osv');

interface Blob {
  repository: string;
  digest: string;
  size: number;
}

/** Every blob of every image (manifest, config, layers), found through the same client the scan uses. */
async function blobsOf(host: string, repositories: readonly string[]): Promise<Blob[]> {
  const blobs: Blob[] = [];
  for (const repository of repositories) {
    const client = await RegistryClient.create(
      { registry: host, repository },
      { insecure: true, dockerConfig: false },
    );
    try {
      const root = await client.fetchManifest('1');
      const parsed = parseManifest(root.body, repository, root.contentType);
      if (parsed.kind !== 'manifest') throw new Error('expected an image manifest');
      for (const d of [parsed.manifest.config, ...parsed.manifest.layers]) {
        blobs.push({ repository, digest: d.digest, size: d.size });
      }
    } finally {
      await client.close();
    }
  }
  return blobs;
}

/** Fetch the manifests and blobs with the registry client, `CONCURRENCY` at a time, reading every byte. */
async function fetchAll(
  host: string,
  blobs: readonly Blob[],
  repositories: readonly string[],
): Promise<number> {
  const started = performance.now();
  await runPool(repositories, CONCURRENCY, async (repository) => {
    const client = await RegistryClient.create(
      { registry: host, repository },
      { insecure: true, dockerConfig: false },
    );
    try {
      await client.fetchManifest('1');
      for (const blob of blobs.filter((b) => b.repository === repository)) {
        const stream = await client.openBlob({ digest: blob.digest, size: blob.size });
        await pipeline(stream, new Writable({ write: (_chunk, _enc, done) => done() }));
      }
    } finally {
      await client.close();
    }
  });
  return (performance.now() - started) / 1000;
}

async function buildDb(path: string): Promise<void> {
  const code = await runCli(
    [
      'db',
      'update',
      '--db',
      path,
      '--source',
      join(FIXTURES, 'real', 'records'),
      '--source',
      join(FIXTURES, 'synthetic'),
    ],
    {
      stdout: () => undefined,
      stderr: (t) => process.stderr.write(t),
      readStdin: async () => '',
      isTTY: false,
      cwd: process.cwd(),
      env: {},
      clock: fixedClock('2026-01-01T00:00:00Z'),
      setExitCode: () => undefined,
    },
  );
  if (code !== 0) throw new Error(`db update failed with ${code}`);
}

export const registryScanBench: Bench = {
  id: 'registry-scan',
  description: `registry scan of ${REPOSITORIES} repositories sharing the Debian base (cold layer cache, concurrency ${CONCURRENCY}) vs fetching the same blobs`,
  async run(): Promise<BenchResult[]> {
    const dir = mkdtempSync(join(tmpdir(), 'kubeward-bench-regscan-'));
    const registry = await startRegistry({ dir: join(dir, 'registry') });
    try {
      const images = testImages();
      const repositories = Array.from(
        { length: REPOSITORIES },
        (_, i) => `bench/service-${String(i).padStart(2, '0')}`,
      );
      const layout = await buildVariants(
        images.layout,
        'debian',
        join(dir, 'layout'),
        repositories.map((r, i) => ({
          name: `v${i}`,
          npm: { minimist: '1.2.5', lodash: '4.17.20' },
          marker: r,
        })),
      );
      // The first push uploads the base; the others mount it, as CI pushes of one base image do.
      await pushWithSkopeo(`oci:${images.layout}:debian`, registry, 'base/debian:1');
      for (const [i, repository] of repositories.entries())
        await pushFromLayout(layout, `v${i}`, registry, `${repository}:1`);
      const db = join(dir, 'vulndb.sqlite');
      await buildDb(db);
      const blobs = await blobsOf(registry.host, repositories);
      const distinct = [...new Map(blobs.map((b) => [b.digest, b])).values()];
      const allBytes = blobs.reduce((n, b) => n + b.size, 0);
      const distinctBytes = distinct.reduce((n, b) => n + b.size, 0);

      let best = Number.POSITIVE_INFINITY;
      let digests = 0;
      for (let round = 0; round < 2; round++) {
        const store = await openStore(join(dir, `store-${round}.db`));
        const started = performance.now();
        try {
          const result = await scanRegistry({
            target: { registry: registry.host, prefix: 'bench' },
            store,
            registry: { insecure: true, dockerConfig: false },
            dbPath: db,
            cachePath: join(dir, `cache-${round}.db`),
            concurrency: CONCURRENCY,
            clock: systemClock,
            toolVersion: 'bench',
          });
          if (!result.complete)
            throw new Error(`scan incomplete: ${result.stopReason ?? result.problems[0] ?? ''}`);
          digests = result.images.length;
        } finally {
          await store.close();
        }
        best = Math.min(best, (performance.now() - started) / 1000);
      }
      let floorAll = Number.POSITIVE_INFINITY;
      let floorDistinct = Number.POSITIVE_INFINITY;
      for (let round = 0; round < 2; round++) {
        floorAll = Math.min(floorAll, await fetchAll(registry.host, blobs, repositories));
        // Distinct blobs once: each blob fetched through the first repository that holds it.
        const seen = new Set<string>();
        const once = blobs.filter((b) => !seen.has(b.digest) && seen.add(b.digest));
        floorDistinct = Math.min(floorDistinct, await fetchAll(registry.host, once, repositories));
      }
      const mib = (n: number): string => `${(n / 1024 / 1024).toFixed(0)} MiB`;
      return [
        {
          name: `scan of ${digests} digests (${repositories.length} repositories)`,
          value: best,
          unit: 's',
          floor: { name: `fetch every blob of every image (${mib(allBytes)})`, value: floorAll },
          ratio: best / floorAll,
          note: 'below 1x: the layer cache reads the shared base layer once, not once per image',
        },
        {
          name: 'same scan',
          value: best,
          unit: 's',
          floor: { name: `fetch each distinct blob once (${mib(distinctBytes)})`, value: floorDistinct },
          ratio: best / floorDistinct,
          note: 'the cost of analysis and matching over the least any scanner must download',
        },
      ];
    } finally {
      await registry.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
