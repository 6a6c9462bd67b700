import { test } from 'node:test';
import assert from 'node:assert/strict';
import { needsScan } from '../../src/serve/image-scans.js';
import { digestOfImageId, ownerIndex, runningImages, workloadOf } from '../../src/serve/workloads.js';

const D1 = `sha256:${'a'.repeat(64)}`;
const D2 = `sha256:${'b'.repeat(64)}`;

test('digestOfImageId: what each runtime reports, and what cannot be pulled', () => {
  const cases = [
    {
      imageID: `docker-pullable://nginx@${D1}`,
      spec: 'nginx:1.25',
      want: { repository: 'docker.io/library/nginx', digest: D1 },
    },
    {
      imageID: `docker.io/library/nginx@${D1}`,
      spec: 'nginx',
      want: { repository: 'docker.io/library/nginx', digest: D1 },
    },
    {
      imageID: `registry.example.com:5000/team/app@${D1}`,
      spec: 'x',
      want: { repository: 'registry.example.com:5000/team/app', digest: D1 },
    },
    // A bare config id (some runtimes): the spec's digest is used when it has one...
    { imageID: D2, spec: `ghcr.io/org/app@${D1}`, want: { repository: 'ghcr.io/org/app', digest: D1 } },
    // ...and otherwise nothing can be scanned by digest.
    { imageID: D2, spec: 'ghcr.io/org/app:1', want: undefined },
    { imageID: undefined, spec: 'app:1', want: undefined },
    { imageID: 'docker-pullable://app@sha256:short', spec: 'app:1', want: undefined },
  ];
  for (const c of cases) assert.deepEqual(digestOfImageId(c.imageID, c.spec), c.want, JSON.stringify(c));
});

test('runningImages: running containers only, one entry per digest with every tag used for it', () => {
  const pod = (name: string, image: string, digest: string, state: string, phase = 'Running') => ({
    metadata: { namespace: 'shop', name },
    spec: { containers: [{ name: 'app', image }] },
    status: {
      phase,
      containerStatuses: [{ name: 'app', image, imageID: `r.io/app@${digest}`, state: { [state]: {} } }],
    },
  });
  const images = runningImages([
    pod('a', 'r.io/app:1', D1, 'running'),
    pod('b', 'r.io/app:latest', D1, 'running'),
    pod('c', 'r.io/app:2', D2, 'waiting'),
    pod('d', 'r.io/app:3', D2, 'running', 'Succeeded'),
  ]);
  assert.deepEqual(images, [
    { reference: `r.io/app@${D1}`, repository: 'r.io/app', digest: D1, tags: ['1', 'latest'] },
  ]);
});

test('workloadOf: climbs controller references through the owners that are known', () => {
  const owned = (kind: string, name: string, owner?: [string, string]) => ({
    kind,
    metadata: {
      namespace: 'shop',
      name,
      ...(owner ? { ownerReferences: [{ kind: owner[0], name: owner[1], controller: true }] } : {}),
    },
  });
  const owners = ownerIndex([
    owned('ReplicaSet', 'web-1', ['Deployment', 'web']),
    owned('Job', 'n-1', ['CronJob', 'n']),
  ]);
  assert.deepEqual(workloadOf(owned('Pod', 'web-1-x', ['ReplicaSet', 'web-1']), owners), {
    kind: 'Deployment',
    name: 'web',
  });
  assert.deepEqual(workloadOf(owned('Pod', 'n-1-x', ['Job', 'n-1']), owners), { kind: 'CronJob', name: 'n' });
  assert.deepEqual(workloadOf(owned('Pod', 'x', ['ReplicaSet', 'unknown']), owners), {
    kind: 'ReplicaSet',
    name: 'unknown',
  });
  assert.deepEqual(workloadOf(owned('Pod', 'bare'), owners), { kind: 'Pod', name: 'bare' });
});

test('needsScan: once per database version; never back to an older database; failures retried on schedule', () => {
  const v1 = '2026-12-01T00:00:00.000Z';
  const v2 = '2026-12-02T00:00:00.000Z';
  const cases = [
    { latest: undefined, db: v1, retry: false, want: true },
    { latest: { dbVersion: v1 }, db: v1, retry: false, want: false },
    { latest: { dbVersion: v1 }, db: v2, retry: false, want: true },
    { latest: { dbVersion: v2 }, db: v1, retry: true, want: false },
    { latest: { dbVersion: v1, error: 'timeout' }, db: v1, retry: false, want: false },
    { latest: { dbVersion: v1, error: 'timeout' }, db: v1, retry: true, want: true },
    { latest: { dbVersion: 'unknown' }, db: v1, retry: false, want: true },
    { latest: { dbVersion: 'unknown' }, db: 'unknown', retry: false, want: false },
  ];
  for (const c of cases) assert.equal(needsScan(c.latest, c.db, c.retry), c.want, JSON.stringify(c));
});
