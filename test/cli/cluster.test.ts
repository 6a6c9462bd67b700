import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli } from './run-cli.js';
import type { CliRun } from './run-cli.js';

function run(args: string[]): Promise<CliRun> {
  return cli(args);
}

const AKS = join(import.meta.dirname, '..', 'fixtures', 'aks');

test('cluster audit --aks --format json: ruleId and ARM property path', async () => {
  const r = await run(['cluster', 'audit', '--aks', join(AKS, 'weak-arm.json'), '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as {
    findings: { ruleId: string; target: { field?: string } }[];
    rules: { id: string; references: string[] }[];
  };
  const api = report.findings.find((f) => f.ruleId === 'aks.api-server-public-unrestricted');
  assert.equal(api?.target.field, 'properties.apiServerAccessProfile.authorizedIpRanges');
  const rule = report.rules.find((x) => x.id === 'aks.api-server-public-unrestricted');
  assert.ok(rule?.references[0]?.startsWith('https://learn.microsoft.com/azure/aks/'));
});

test('cluster audit --fail-on high exits 1 on a weak cluster, 0 on a hardened one', async () => {
  assert.equal(
    (await run(['cluster', 'audit', '--aks', join(AKS, 'weak-az.json'), '--fail-on', 'high', '-f', 'sarif']))
      .code,
    1,
  );
  const ok = await run(['cluster', 'audit', '--aks', join(AKS, 'hardened-az.json'), '--fail-on', 'high']);
  assert.equal(ok.code, 0, ok.stderr);
});

test('cluster audit without inputs is a usage error', async () => {
  assert.equal((await run(['cluster', 'audit'])).code, 2);
  assert.equal(
    (await run(['cluster', 'audit', '--aks', join(AKS, 'x.json'), '--supported-versions', 'latest'])).code,
    2,
  );
});
