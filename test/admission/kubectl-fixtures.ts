// Objects exactly as `kubectl create ... --dry-run=client -o json` and `kubectl run` print them, stored under
// test/fixtures/admission/kubectl-*.json. UPDATE_FIXTURES=1 regenerates them with the installed kubectl
// (`kubectl run` needs API discovery even for a client dry run, so it talks to a tiny discovery stand-in).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'admission');

const COMMANDS: Record<string, string[]> = {
  'deployment-web': ['create', 'deployment', 'web', '--image=nginx:1.27', '-n', 'shop', '--replicas=2'],
  'cronjob-report': [
    'create',
    'cronjob',
    'report',
    '--image=registry.example.com/team/report:2.1',
    '--schedule=*/5 * * * *',
    '-n',
    'shop',
  ],
  'job-migrate': ['create', 'job', 'migrate', '--image=registry.example.com/team/migrate:1.0', '-n', 'shop'],
  'pod-debug': ['run', 'debug', '--image=busybox:1.36', '-n', 'shop', '--command', '--', 'sleep', '3600'],
};

export type KubectlFixture = keyof typeof COMMANDS;

export function kubectlObject(name: KubectlFixture): Record<string, unknown> {
  return JSON.parse(readFileSync(join(FIXTURES, `kubectl-${name}.json`), 'utf8')) as Record<string, unknown>;
}

async function regenerate(): Promise<void> {
  const routes: Record<string, unknown> = {
    '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] },
    '/apis': { kind: 'APIGroupList', apiVersion: 'v1', groups: [] },
    '/api/v1': {
      kind: 'APIResourceList',
      groupVersion: 'v1',
      resources: [
        { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['create', 'get'] },
      ],
    },
  };
  const server = createServer((req, res) => {
    const body = routes[new URL(req.url ?? '/', 'http://x').pathname];
    res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body ?? { kind: 'Status', code: 404 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const cache = mkdtempSync(join(tmpdir(), 'kw-kubectl-'));
  try {
    for (const [name, args] of Object.entries(COMMANDS)) {
      // Async: the discovery stand-in runs in this process and must keep answering while kubectl waits.
      const { stdout } = await promisify(execFile)('kubectl', [
        `--server=http://127.0.0.1:${port}`,
        `--cache-dir=${cache}`,
        '--dry-run=client',
        '-o',
        'json',
        ...args,
      ]);
      writeFileSync(join(FIXTURES, `kubectl-${name}.json`), stdout);
    }
  } finally {
    server.close();
  }
}

if (process.env['UPDATE_FIXTURES'] === '1') await regenerate();
