// Test fixtures for `serve`: small real images in a real docker-registry, a vulnerability database built from
// OSV records by the real importer, and a fake API server that serves every watched resource.
import { mkdirSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { fixedClock } from '../../src/core/clock.js';
import { updateDatabase } from '../../src/vulndb/update.js';
import { WATCHED_RESOURCES } from '../../src/serve/watched-resources.js';
import { collectionPath } from '../../src/k8s/live/watch.js';
import { type RunningRegistry, pushWithSkopeo, startRegistry } from '../image/helpers/registry.js';
import { OS_RELEASE_DEBIAN, dpkgStatus, makeTar, writeOciLayout } from '../image/helpers/oci-builder.js';
import { kubeconfigFor, startFakeApiServer } from '../helpers/fake-api-server.js';
import type { FakeApiServer } from '../helpers/fake-api-server.js';

export interface PushedImage {
  /** `host/repo:tag` */
  tagged: string;
  repository: string;
  digest: string;
  /** Digests of the layer blobs. */
  layers: string[];
}

export const TINY_VULN = 'DEBIAN-CVE-2026-0001';
export const OTHER_VULN = 'DEBIAN-CVE-2026-0002';

/** Pushes `oci:dir:tag` and asks the registry which digest it stored. */
async function push(registry: RunningRegistry, dir: string, repoTag: string): Promise<PushedImage> {
  await pushWithSkopeo(`oci:${dir}:v1`, registry, repoTag);
  const [repo, tag] = repoTag.split(':') as [string, string];
  const res = await fetch(`http://${registry.host}/v2/${repo}/manifests/${tag}`, {
    headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
  });
  const manifest = (await res.json()) as { layers: { digest: string }[] };
  return {
    tagged: `${registry.host}/${repoTag}`,
    repository: `${registry.host}/${repo}`,
    digest: res.headers.get('docker-content-digest') ?? '',
    layers: manifest.layers.map((l) => l.digest),
  };
}

export async function buildImages(work: string, registry: RunningRegistry, big = 0) {
  const base = await makeTar([
    { name: 'etc/os-release', content: OS_RELEASE_DEBIAN },
    { name: 'var/lib/dpkg/status', content: dpkgStatus([{ name: 'tiny', version: '1.0-1' }]) },
  ]);
  const layout = (name: string, layers: Buffer[]) => {
    const dir = join(work, 'layouts', name);
    writeOciLayout(
      dir,
      layers.map((tar) => ({ tar })),
      'v1',
    );
    return dir;
  };
  const a = await push(registry, layout('a', [base]), 'shop/a:1');
  // b shares a's base layer: the layer cache reads it once.
  const b = await push(
    registry,
    layout('b', [base, await makeTar([{ name: 'app/b.txt', content: 'b' }])]),
    'shop/b:1',
  );
  const c = await push(
    registry,
    layout('c', [
      await makeTar([
        { name: 'etc/os-release', content: OS_RELEASE_DEBIAN },
        { name: 'var/lib/dpkg/status', content: dpkgStatus([{ name: 'other', version: '2.0-1' }]) },
      ]),
    ]),
    'shop/c:1',
  );
  const d = big
    ? await push(
        registry,
        layout('d', [base, await makeTar([{ name: 'app/blob.bin', content: randomBytes(big) }])]),
        'shop/d:1',
      )
    : undefined;
  return { a, b, c, d };
}

export async function startTestRegistry(work: string): Promise<RunningRegistry> {
  return startRegistry({ dir: join(work, 'registry') });
}

function osv(id: string, name: string, fixed: string) {
  return {
    schema_version: '1.6.0',
    id,
    modified: '2026-11-01T00:00:00Z',
    details: 'SYNTHETIC EXAMPLE - not a real vulnerability. Made for the kubeward serve tests.',
    affected: [
      {
        package: { ecosystem: 'Debian:12', name },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }],
      },
    ],
  };
}

/** Builds (or updates) the database with the records of `version`; returns its builtAt. */
export async function writeDb(work: string, dbPath: string, version: 1 | 2, at: string): Promise<string> {
  const dir = join(work, `osv-v${version}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${TINY_VULN}.json`), JSON.stringify(osv(TINY_VULN, 'tiny', '1.0-2')));
  if (version === 2)
    writeFileSync(join(dir, `${OTHER_VULN}.json`), JSON.stringify(osv(OTHER_VULN, 'other', '2.0-9')));
  const result = await updateDatabase({ dbPath, sources: [dir], cwd: work, clock: fixedClock(at) });
  if (!result.committed) throw new Error(`db update failed: ${JSON.stringify(result)}`);
  return new Date(at).toISOString();
}

export const PODS = '/api/v1/pods';

export async function startFakeCluster(work: string): Promise<{ api: FakeApiServer; kubeconfig: string }> {
  const api = await startFakeApiServer({
    routes: {},
    leases: true,
    watchable: Object.fromEntries(
      WATCHED_RESOURCES.map((r) => [
        collectionPath(r),
        { apiVersion: r.group ? `${r.group}/${r.version}` : r.version, kind: `${r.kind}List` },
      ]),
    ),
  });
  const kubeconfig = join(work, `kubeconfig-${api.url.split(':').pop() ?? ''}`);
  await writeFile(kubeconfig, kubeconfigFor(api.url));
  return { api, kubeconfig };
}

/** A running pod as the kubelet reports it: imageID carries the digest that runs. */
export function runningPod(
  namespace: string,
  name: string,
  image: PushedImage,
  owner?: { kind: string; name: string; apiVersion: string },
) {
  return {
    metadata: {
      namespace,
      name,
      uid: `uid-${name}`,
      ...(owner ? { ownerReferences: [{ ...owner, uid: `uid-${owner.name}`, controller: true }] } : {}),
    },
    spec: { containers: [{ name: 'app', image: image.tagged }] },
    status: {
      phase: 'Running',
      containerStatuses: [
        {
          name: 'app',
          image: image.tagged,
          imageID: `${image.repository}@${image.digest}`,
          ready: true,
          state: { running: { startedAt: '2026-12-01T00:00:00Z' } },
        },
      ],
    },
  };
}
