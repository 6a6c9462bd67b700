// `image sbom` on the real Debian bookworm image (scripts/build-test-images.sh), from the OCI layout and from a
// local registry, next to the floor measured in the same run: `gzip -dc LAYER | tar -t` over the same layers.
// Also peak memory, and a re-scan with a warm layer cache against a cold one.
// Targets (issue 3): at most 1.5x the floor, peak under 300 MiB, warm at least 10x faster than cold.
// Peak memory is also measured on a ~1 GiB image: the Debian image plus a layer of random files (umoci insert).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bestOf, measureCommand, type Measured } from './measure.js';
import type { BenchResult } from './types.js';

const SELF = fileURLToPath(import.meta.url);

/** The measured process: one scan, as `kubeward image sbom REF --format json` does it. */
async function child(ref: string, cache: string, insecure: boolean): Promise<void> {
  const { sbomFromImage } = await import('../src/inventory/index.js');
  const started = performance.now();
  await sbomFromImage(ref, {
    format: 'json',
    cachePath: cache === 'none' ? false : cache,
    insecure,
    dockerConfig: false,
  });
  process.stdout.write(`KW_SCAN_MS=${performance.now() - started}\n`);
}

/** Wall time and peak RSS of the whole process, and `scanSeconds`: the scan alone, without Node and tsx start-up. */
function scan(ref: string, cache: string, insecure = false): Measured & { scanSeconds: number } {
  const m = measureCommand(process.execPath, [
    '--import',
    'tsx',
    SELF,
    '--child',
    ref,
    cache,
    String(insecure),
  ]);
  const ms = Number(/KW_SCAN_MS=([\d.]+)/.exec(m.stdout)?.[1] ?? Number.NaN);
  return { ...m, scanSeconds: ms / 1000 };
}

function bestScan(runs: number, fn: () => ReturnType<typeof scan>): ReturnType<typeof scan> {
  let best: ReturnType<typeof scan> | undefined;
  for (let i = 0; i < runs; i++) {
    const m = fn();
    if (!best || m.scanSeconds < best.scanSeconds) best = m;
  }
  return best as ReturnType<typeof scan>;
}

function layerBlobs(layout: string, tag: string): string[] {
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as {
    manifests: { digest: string; annotations?: Record<string, string> }[];
  };
  const entry = index.manifests.find((m) => m.annotations?.['org.opencontainers.image.ref.name'] === tag);
  const blob = (d: string): string => join(layout, 'blobs', 'sha256', d.slice(7));
  const manifest = JSON.parse(readFileSync(blob(entry?.digest ?? ''), 'utf8')) as {
    layers: { digest: string }[];
  };
  return manifest.layers.map((l) => blob(l.digest));
}

/** Sizes of the random files in the big layer: 7 x 128 MiB of data and one 120 MiB executable, ~1 GiB in all. */
const BIG_FILES: { name: string; mib: number; mode: number }[] = [
  ...Array.from({ length: 7 }, (_, i) => ({ name: `data-${i}.bin`, mib: 128, mode: 0o644 })),
  // Executables are read whole by the Go build-info analyzer, so one large one shows that cost too.
  { name: 'tool', mib: 120, mode: 0o755 },
];

/**
 * A copy of the OCI layout with one more layer of incompressible files, tagged `big`; undefined without umoci.
 * Random bytes, so the compressed layer is as large as its content and nothing is cheap to stream.
 */
function buildBigImage(layout: string, work: string): string | undefined {
  if (spawnSync('umoci', ['--version']).status !== 0) return undefined;
  const copy = join(work, 'big-oci');
  cpSync(layout, copy, { recursive: true });
  const files = join(work, 'big-files');
  mkdirSync(files);
  for (const f of BIG_FILES) {
    execFileSync('bash', ['-c', `head -c ${f.mib * 1024 * 1024} /dev/urandom > '${join(files, f.name)}'`]);
    chmodSync(join(files, f.name), f.mode);
  }
  execFileSync('umoci', ['insert', '--image', `${copy}:debian`, '--tag', 'big', files, '/opt/big'], {
    stdio: 'ignore',
  });
  rmSync(files, { recursive: true, force: true });
  // umoci writes blobs 0600; the scan runs as the same user, but keep the layout readable like the original.
  const blobs = join(copy, 'blobs', 'sha256');
  for (const blob of readdirSync(blobs)) chmodSync(join(blobs, blob), 0o644);
  return copy;
}

export async function run(): Promise<BenchResult[]> {
  const { testImages } = await import('../test/image/helpers/test-images.js');
  const { startRegistry, pushWithSkopeo } = await import('../test/image/helpers/registry.js');
  const images = testImages();
  const work = mkdtempSync(join(tmpdir(), 'kubeward-bench-image-'));
  const results: BenchResult[] = [];
  try {
    const layers = layerBlobs(images.layout, 'debian');
    const floor = bestOf(3, () =>
      measureCommand('bash', ['-c', layers.map((l) => `gzip -dc '${l}' | tar -t >/dev/null`).join(' && ')]),
    );
    const ref = `oci:${images.layout}:debian`;
    const layout = bestScan(3, () => scan(ref, 'none'));
    results.push({
      name: 'image sbom, OCI layout, no cache',
      value: layout.scanSeconds,
      unit: 's',
      floor: { name: 'gzip -dc | tar -t', value: floor.seconds },
      ratio: layout.scanSeconds / floor.seconds,
      note: `target <= 1.5x; whole process with tsx start-up ${layout.seconds.toFixed(2)} s`,
    });
    results.push({
      name: 'peak memory, OCI layout scan',
      value: layout.peakMiB,
      unit: 'MiB',
      floor: { name: 'gzip -dc | tar -t', value: floor.peakMiB },
      note: 'target < 300 MiB',
    });

    const registry = await startRegistry({ dir: join(work, 'registry') });
    try {
      await pushWithSkopeo(ref, registry, 'bench/debian:12');
      const remote = bestScan(3, () => scan(`${registry.host}/bench/debian:12`, 'none', true));
      // The same floor with the download in it: on two cores the registry's own work competes with the scan.
      const curlFloor = bestOf(3, () =>
        measureCommand('bash', [
          '-c',
          layers
            .map(
              (l) =>
                `curl -sf 'http://${registry.host}/v2/bench/debian/blobs/sha256:${basename(l)}' | gzip -dc | tar -t >/dev/null`,
            )
            .join(' && '),
        ]),
      );
      results.push({
        name: 'image sbom, local registry, no cache',
        value: remote.scanSeconds,
        unit: 's',
        floor: { name: 'gzip -dc | tar -t', value: floor.seconds },
        ratio: remote.scanSeconds / floor.seconds,
        note: `peak ${remote.peakMiB.toFixed(0)} MiB; whole process ${remote.seconds.toFixed(2)} s; floor with the download (curl | gzip -dc | tar -t) ${curlFloor.seconds.toFixed(2)} s, ratio ${(remote.scanSeconds / curlFloor.seconds).toFixed(2)}`,
      });
    } finally {
      await registry.stop();
    }

    const cacheDb = join(work, 'cache.db');
    const cold = scan(ref, cacheDb);
    const warm = bestScan(3, () => scan(ref, cacheDb));
    results.push({
      name: 'image sbom, warm layer cache',
      value: warm.scanSeconds,
      unit: 's',
      floor: { name: 'same scan, cold cache', value: cold.scanSeconds },
      ratio: cold.scanSeconds / warm.scanSeconds,
      note: `ratio = cold / warm (speed-up, target >= 10x); whole processes ${cold.seconds.toFixed(2)} s vs ${warm.seconds.toFixed(2)} s`,
    });

    const big = buildBigImage(images.layout, work);
    if (big) {
      const bigLayers = layerBlobs(big, 'big');
      const bigFloor = measureCommand('bash', [
        '-c',
        bigLayers.map((l) => `gzip -dc '${l}' | tar -t >/dev/null`).join(' && '),
      ]);
      const bigScan = scan(`oci:${big}:big`, 'none');
      results.push({
        name: 'peak memory, ~1 GiB image (OCI layout)',
        value: bigScan.peakMiB,
        unit: 'MiB',
        floor: { name: 'gzip -dc | tar -t', value: bigFloor.peakMiB },
        note: `target < 300 MiB; scan ${bigScan.scanSeconds.toFixed(1)} s vs floor ${bigFloor.seconds.toFixed(1)} s (ratio ${(bigScan.scanSeconds / bigFloor.seconds).toFixed(2)})`,
      });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return results;
}

if (process.argv[2] === '--child') {
  await child(process.argv[3] ?? '', process.argv[4] ?? 'none', process.argv[5] === 'true');
} else if (process.argv[1] === SELF) {
  for (const r of await run()) console.log(JSON.stringify(r));
}
