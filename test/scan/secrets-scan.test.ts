// Secrets scan over a fixture repository and a temporary git repository; no secret value may appear in any
// output format.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAllowList, scanSecrets } from '../../src/scan/secrets-scan.js';
import { fixedClock } from '../../src/core/clock.js';
import { formatReport } from '../../src/report/index.js';

const clock = fixedClock('2026-11-28T12:00:00Z');
const DIR = join(import.meta.dirname, '..', 'fixtures', 'secrets-scan');
const REPO = join(DIR, 'repo');

/** Every secret value planted in the fixtures. */
export const SECRET_VALUES = [
  'Zx9#kQ2!vLp7@Rt4',
  'kR3v9QmZ2xYbT7nWc4LpE8sHf1JdG6aUo0iKyVqXzBwN5rCtM3eP7gSjA2hDl9FuQ4tYw6RnZx8VcBm1KpLs0Eqw==',
  'Xq7Lm2Rz9Tb4Kw8Pn3Vy6Hc1Jd5Fg0Sa%2BQe7Wr4Ty9Uo2Ip5As%3D',
  'Abc8Q~dEfGhIjKlMnOpQrStUvWxYz01234567_-',
  'AKIAQ3EGUV7EXAMPLE4Z',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLE9Q',
  'ghp_R8kLm2Qz9Xv4Tn7Wb3Yc6Hd1Jf5Gs0Pa8EuK',
  'glpat-Xy7Rq2Lm9Tk4Vb8Nw3Zc',
  'xoxb-2048-4096-Tq9Lm2Rz7Xv4Kb8W',
  'eyJhbGciOiJSUzI1NiIsImtpZCI6InRlc3QifQ.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50Iiwic3ViIjoic3lzdGVtOnNlcnZpY2VhY2NvdW50OnNob3A6YXBwIn0.Q2Zm8rX4v7LkT2nWb9Yc3Hd6Jf1Gs5Pa0EuKq',
  'q8Z2mX7vR4tL9wK3bN6c',
  'LS0tLS1CRUdJTiBSU0EgUFJJVkFURSBLRVktLS0tLQpNSUlFb3dJQkFBS0NBUUVBM1R6',
  'kubetoken-8d7f6e5c4b3a29180716f5e4d3c2b1a0',
  'sk-live-7Hq2Lm9Xz4Rt8Vb3Nw6Kc1Jd',
  'MIIEowIBAAKCAQEA3Tz2mQ8vX7rL4kT9wB2nY6cH1dJ5fG0sPa8EuKqZx3Rb7Vn',
  'ghp_N0deM0dul3sSh0uldB3Sk1pp3dXXXXXXXXXX',
  'glpat-AllowedVendorTokenXyZ12',
];

const cases = [
  ['secrets-scan.azure-storage-key', 'config/app.env', 2],
  ['secrets-scan.azure-sas-token', 'config/app.env', 3],
  ['secrets-scan.entra-client-secret', 'config/app.env', 5],
  ['secrets-scan.aws-access-key', 'config/app.env', 6],
  ['secrets-scan.aws-access-key', 'config/app.env', 7],
  ['secrets-scan.github-token', 'config/app.env', 8],
  ['secrets-scan.gitlab-token', 'config/app.env', 9],
  ['secrets-scan.slack-token', 'config/app.env', 10],
  ['secrets-scan.jwt', 'config/settings.py', 3],
  ['secrets-scan.generic-assignment', 'config/settings.py', 4],
  ['secrets-scan.private-key', 'keys/deploy_key', 2],
  ['secrets-scan.kubeconfig-credential', 'k8s/kubeconfig.yaml', 16],
  ['secrets-scan.kubeconfig-credential', 'k8s/kubeconfig.yaml', 19],
  ['secrets-scan.k8s-secret-manifest', 'k8s/secret.yaml', 14],
  ['secrets-scan.k8s-secret-manifest', 'k8s/secret.yaml', 15],
] as const;

test('secrets scan finds every planted secret at its file and line', async () => {
  const report = await scanSecrets(REPO, { clock, allow: await loadAllowList(join(DIR, 'allow.yaml')) });
  const got = report.findings.map((f) => `${f.ruleId} ${f.location?.file ?? ''}:${f.location?.line ?? 0}`);
  for (const [rule, file, line] of cases)
    assert.ok(got.includes(`${rule} ${file}:${line}`), `${rule} ${file}:${line} in ${got.join('\n')}`);
  // Skipped: node_modules, the allow-listed path, the binary file; placeholders in docs and settings.
  assert.ok(!got.some((g) => /node_modules|vendor-allowed|logo\.png|README/.test(g)), got.join('\n'));
  const decoded = report.findings.find((f) => f.target.field === 'data.password');
  assert.equal(decoded?.properties?.['classification'], 'password-or-token');
  assert.equal(decoded?.target.namespace, 'shop');
  const readers = report.findings.find((f) => f.ruleId === 'secrets-scan.secret-readers');
  assert.deepEqual(readers?.properties?.['readers'], [
    { kind: 'ServiceAccount', name: 'ci', namespace: 'build' },
  ]);
});

test('secrets scan: allow-list by fingerprint and by secret hash', async () => {
  const first = await scanSecrets(REPO, { clock });
  const gh = first.findings.find(
    (f) => f.ruleId === 'secrets-scan.github-token' && f.location?.file === 'config/app.env',
  );
  const slack = first.findings.find((f) => f.ruleId === 'secrets-scan.slack-token');
  assert.ok(gh && slack);
  const again = await scanSecrets(REPO, {
    clock,
    allow: { paths: [], fingerprints: [gh.fingerprint, String(slack.properties?.['secretHash'])] },
  });
  assert.ok(
    !again.findings.some((f) => f.fingerprint === gh.fingerprint || f.ruleId === 'secrets-scan.slack-token'),
  );
  assert.ok(first.findings.some((f) => f.location?.file === 'vendor-allowed/token.txt'));
});

test('no secret value appears in any output format', async () => {
  const report = await scanSecrets(REPO, { clock });
  for (const format of ['json', 'table', 'sarif', 'html']) {
    const text = formatReport(report, format, { color: false });
    for (const value of SECRET_VALUES) {
      assert.ok(!text.includes(value), `${format} leaks ${value.slice(0, 4)}...`);
      assert.ok(
        !text.includes(Buffer.from(value).toString('base64')),
        `${format} leaks base64 of ${value.slice(0, 4)}...`,
      );
    }
  }
});

test('--git-history finds a secret committed and later removed, once per blob, with commit and path', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kw-secrets-git-'));
  try {
    const run = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
    run('init', '-q', '-b', 'main');
    run('config', 'user.email', 't@example.com');
    run('config', 'user.name', 't');
    run('config', 'commit.gpgsign', 'false');
    await mkdir(join(dir, 'deploy'));
    await writeFile(join(dir, 'deploy', 'ci.env'), 'GITLAB_TOKEN=glpat-HistoryOnlyToken12345\n');
    run('add', '.');
    run('commit', '-q', '-m', 'add ci');
    const leaked = run('rev-parse', 'HEAD');
    await writeFile(join(dir, 'deploy', 'copy.env'), 'GITLAB_TOKEN=glpat-HistoryOnlyToken12345\n');
    run('add', '.');
    run('commit', '-q', '-m', 'copy (same blob)');
    await rm(join(dir, 'deploy', 'ci.env'));
    await rm(join(dir, 'deploy', 'copy.env'));
    await writeFile(join(dir, 'deploy', 'ci.env'), 'GITLAB_TOKEN=${GITLAB_TOKEN}\n');
    run('add', '-A');
    run('commit', '-q', '-m', 'remove token');

    const tree = await scanSecrets(dir, { clock });
    assert.equal(tree.findings.length, 0);
    const history = await scanSecrets(dir, { clock, gitHistory: true });
    const hits = history.findings.filter((f) => f.ruleId === 'secrets-scan.gitlab-token');
    assert.equal(hits.length, 1, 'one finding per blob');
    assert.equal(hits[0]?.properties?.['commit'], leaked);
    assert.match(String(hits[0]?.properties?.['file']), /^deploy\/(ci|copy)\.env$/);
    for (const format of ['json', 'sarif', 'table'])
      assert.ok(!formatReport(history, format).includes('glpat-HistoryOnlyToken12345'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
