// Test helper: the JSON outputs of real kubeward commands run in-process on examples/ and the test fixtures,
// written once per test file into a temp dir. Scorecard and dashboard tests read these, never hand-written JSON.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { cli } from '../../cli/run-cli.js';
import { testImages } from '../../image/helpers/test-images.js';

export const REPO = resolve(import.meta.dirname, '../../..');
const FIXTURES = join(REPO, 'test', 'fixtures');

export interface RealOutputs {
  dir: string;
  scan: string;
  imageApp: string;
  imageDebian: string;
  cluster: string;
  nsg: string;
  secrets: string;
  tenancy: string;
  runtime: string;
  netpol: string;
}

async function run(args: string[], file: string): Promise<string> {
  const result = await cli([...args, '--output', file], { cwd: REPO });
  assert.ok(result.code <= 1, `kubeward ${args.join(' ')}: exit ${result.code}: ${result.stderr}`);
  return file;
}

let cached: Promise<RealOutputs> | undefined;

export function realOutputs(): Promise<RealOutputs> {
  cached ??= produce();
  return cached;
}

async function produce(): Promise<RealOutputs> {
  const dir = mkdtempSync(join(tmpdir(), 'kubeward-real-outputs-'));
  const db = join(dir, 'vulndb.sqlite');
  const update = await cli([
    'db',
    'update',
    '--db',
    db,
    '--source',
    join(FIXTURES, 'osv', 'real', 'records'),
    '--source',
    join(FIXTURES, 'osv', 'synthetic'),
  ]);
  assert.equal(update.code, 0, update.stderr);
  const layout = testImages().layout;
  const image = (tag: string, file: string): Promise<string> =>
    run(
      ['image', 'scan', `oci:${layout}:${tag}`, '--db', db, '--no-cache', '--no-record', '-f', 'json'],
      join(dir, file),
    );
  return {
    dir,
    scan: await run(['scan', 'examples/manifests', '-f', 'json'], join(dir, 'scan.json')),
    imageApp: await image('app', 'image-app.json'),
    imageDebian: await image('debian', 'image-debian.json'),
    cluster: await run(
      [
        'cluster',
        'audit',
        '--aks',
        join(FIXTURES, 'aks', 'weak-az.json'),
        '--nodepools',
        join(FIXTURES, 'aks', 'weak-nodepools.json'),
        '--kubelet',
        join(FIXTURES, 'node-config', 'kubelet-weak.yaml'),
        '--apiserver',
        join(FIXTURES, 'node-config', 'apiserver-weak.yaml'),
        '-f',
        'json',
      ],
      join(dir, 'cluster.json'),
    ),
    nsg: await run(
      ['nsg', 'lint', join(FIXTURES, 'nsg', 'aks-nic-nsg.json'), '-f', 'json'],
      join(dir, 'nsg.json'),
    ),
    secrets: await run(['secrets', 'scan', 'examples', '-f', 'json'], join(dir, 'secrets.json')),
    tenancy: await run(['tenancy', 'report', 'examples/manifests', '-f', 'json'], join(dir, 'tenancy.json')),
    runtime: await run(
      ['runtime', 'analyze', 'examples/audit/audit.log', '-f', 'json'],
      join(dir, 'runtime.json'),
    ),
    // The fixture's expectations include one the policies break (z/a cannot reach x/a).
    netpol: await run(
      [
        'netpol',
        'verify',
        join(FIXTURES, 'netpol', 'xyz-cluster.yaml'),
        join(FIXTURES, 'netpol', 'policies-x.yaml'),
        '--expect',
        join(FIXTURES, 'netpol', 'expect-x-wrong.json'),
        '-f',
        'json',
      ],
      join(dir, 'netpol.json'),
    ),
  };
}
