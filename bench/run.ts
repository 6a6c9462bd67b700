// npm run bench [-- ID...]: runs each benchmark and prints its figure next to the floor measured in the same run.
import type { Bench, BenchResult } from './types.js';
import { manifestScanBench } from './manifest-scan.js';
import { netpolBench } from './netpol.js';
import { rbacBench } from './rbac.js';
import { vulndbBench } from './vulndb.js';
import { run as runImageSbom } from './image-sbom.js';
import { webhookBench } from './webhook.js';
import { signingBench } from './signing.js';
import { runtimeBench } from './runtime.js';
import { secretsScanBench } from './secrets-scan.js';
import { registryScanBench } from './registry-scan.js';

const imageSbomBench: Bench = {
  id: 'image-sbom',
  description: 'image sbom of the Debian image (OCI layout, local registry, warm cache) vs gzip -dc | tar -t',
  run: runImageSbom,
};

/** The one list of benchmarks. */
const BENCHES: readonly Bench[] = [
  manifestScanBench,
  imageSbomBench,
  vulndbBench,
  webhookBench,
  signingBench,
  netpolBench,
  rbacBench,
  secretsScanBench,
  runtimeBench,
  registryScanBench,
];

function formatResult(r: BenchResult): string {
  const value = `${r.value.toFixed(r.value < 10 ? 3 : 1)} ${r.unit}`;
  const floor = r.floor ? `floor ${r.floor.name}: ${r.floor.value.toFixed(3)} ${r.unit}` : '';
  const ratio = r.ratio !== undefined ? `ratio ${r.ratio.toFixed(2)}x` : '';
  return [`  ${r.name}: ${value}`, floor, ratio, r.note ?? ''].filter(Boolean).join('  |  ');
}

const wanted = process.argv.slice(2);
for (const bench of BENCHES) {
  if (wanted.length > 0 && !wanted.includes(bench.id)) continue;
  console.log(`${bench.id}: ${bench.description}`);
  for (const result of await bench.run()) console.log(formatResult(result));
}
