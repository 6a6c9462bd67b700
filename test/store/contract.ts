// The one contract both store backends are held to: sqlite.test.ts and postgres.test.ts run these same tests
// against a fresh store each, so the backends cannot drift apart.
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { InputError } from '../../src/core/errors.js';
import type { ImageScanRecord, RunItem, Store, StoredAlert, WorkloadRecord } from '../../src/store/model.js';
import { DEFAULT_HISTORY_LIMIT } from '../../src/store/model.js';

/** Gives each test a new, empty store location; `open` may be called several times (two writers, reopen). */
export type FreshLocation = () => Promise<{ open(): Promise<Store> }>;

/**
 * Gives a new location holding a schema-1 store (only the first migration run, as a kubeward release before
 * fleets left it) with `seed` statements executed in it, to prove opening it upgrades in place.
 */
export type SchemaOneLocation = (seed: readonly string[]) => Promise<{ open(): Promise<Store> }>;

/** Rows a schema-1 store held; plain SQL both backends accept (`(1 = 1)` is TRUE in PostgreSQL, 1 in SQLite). */
const SCHEMA_ONE_ROWS = [
  `INSERT INTO workloads (namespace, kind, name, images, seen_at)
   VALUES ('shop', 'Deployment', 'web', '[{"container":"main","image":"web:1"}]', '2026-02-01T00:00:00Z')`,
  `INSERT INTO posture_snapshots (taken_at, taken_ms, counts, findings, has_findings)
   VALUES ('2026-02-01T00:00:00Z', 1769904000000, '[{"namespace":"shop","severity":"high","count":3}]',
     '[{"ruleId":"old"}]', (1 = 1))`,
];

export function scan(overrides: Partial<ImageScanRecord> = {}): ImageScanRecord {
  return {
    digest: 'sha256:aaaa',
    repository: 'reg.example:5000/team/app',
    tags: ['1.0', 'latest'],
    scannedAt: '2026-03-01T10:00:00.000Z',
    dbVersion: '2026-03-01T00:00:00Z',
    packages: 42,
    vulnerabilities: [
      {
        id: 'CVE-2024-0001',
        aliases: ['GHSA-xxxx-yyyy-zzzz'],
        package: 'openssl@3.0.1',
        installed: '3.0.1',
        fixedIn: ['3.0.2'],
        status: 'fixed',
        severity: 'high',
        score: 7.5,
      },
      {
        id: 'DSA-1',
        aliases: [],
        package: 'na\u0000me/ünï@1',
        installed: '1',
        fixedIn: [],
        status: 'will-not-fix',
        severity: 'unknown',
      },
    ],
    ...overrides,
  };
}

function workloadNamed(name: string): WorkloadRecord {
  return { cluster: '', namespace: 'shop', kind: 'Deployment', name, images: [], seenAt: '' };
}

export function runContract(backend: string, fresh: FreshLocation, schemaOne: SchemaOneLocation): void {
  const opened: Store[] = [];
  const open = async (location: { open(): Promise<Store> }) => {
    const store = await location.open();
    opened.push(store);
    return store;
  };
  const freshStore = async () => open(await fresh());
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
  });

  test(`${backend}: an image scan round-trips with every field, optional ones absent when unset`, async () => {
    const store = await freshStore();
    const full = scan({ origin: 'ledger' });
    const failed: ImageScanRecord = {
      digest: 'sha256:bbbb',
      repository: 'reg.example:5000/team/api',
      tags: [],
      scannedAt: '2026-03-01T11:00:00Z',
      dbVersion: 'v2',
      packages: 0,
      vulnerabilities: [],
      error: 'registry answered 500',
    };
    await store.putImageScan(full);
    await store.putImageScan(failed);
    assert.deepEqual(await store.imageScans(full.digest), [full]);
    const [back] = await store.imageScans(failed.digest);
    assert.deepEqual(back, failed);
    assert.equal(back !== undefined && 'origin' in back, false);
    assert.deepEqual(await store.imageScans('sha256:none'), []);
  });

  test(`${backend}: imageScans is newest first by time (offsets compared as times), limit 2 by default`, async () => {
    const store = await freshStore();
    const times = [
      '2026-03-01T10:00:00Z',
      '2026-03-03T10:00:00Z',
      // 2026-03-02T09:00Z: later than the first, earlier than the second, written with an offset.
      '2026-03-02T11:00:00+02:00',
      '2026-03-01T12:00:00.5Z',
    ];
    for (const [i, scannedAt] of times.entries())
      await store.putImageScan(scan({ scannedAt, dbVersion: `v${i}` }));
    const versions = (scans: ImageScanRecord[]) => scans.map((s) => s.dbVersion);
    assert.deepEqual(versions(await store.imageScans('sha256:aaaa')), ['v1', 'v2']);
    assert.deepEqual(versions(await store.imageScans('sha256:aaaa', 10)), ['v1', 'v2', 'v3', 'v0']);
    assert.deepEqual(versions(await store.imageScans('sha256:aaaa', 1)), ['v1']);
    assert.deepEqual(await store.imageScans('sha256:aaaa', 0), []);
    // Same instant: the one written last is newer.
    await store.putImageScan(scan({ scannedAt: '2026-03-03T10:00:00.000Z', dbVersion: 'v4' }));
    assert.deepEqual(versions(await store.imageScans('sha256:aaaa', 2)), ['v4', 'v1']);
  });

  test(`${backend}: latestImageScans keeps the newest per repository and digest, a late older scan does not win`, async () => {
    const store = await freshStore();
    await store.putImageScan(scan({ scannedAt: '2026-03-02T00:00:00Z', dbVersion: 'new' }));
    await store.putImageScan(scan({ scannedAt: '2026-03-01T00:00:00Z', dbVersion: 'late-but-older' }));
    await store.putImageScan(
      scan({ digest: 'sha256:cccc', scannedAt: '2026-03-01T00:00:00Z', dbVersion: 'c' }),
    );
    // The same digest under a second repository is its own entry.
    await store.putImageScan(scan({ repository: 'reg.example:5000/team/app-copy', dbVersion: 'copy' }));
    const latest = await store.latestImageScans();
    assert.deepEqual(
      latest.map((s) => [s.repository, s.digest, s.dbVersion]),
      [
        ['reg.example:5000/team/app', 'sha256:aaaa', 'new'],
        ['reg.example:5000/team/app', 'sha256:cccc', 'c'],
        ['reg.example:5000/team/app-copy', 'sha256:aaaa', 'copy'],
      ],
    );
    assert.deepEqual(latest[0], scan({ scannedAt: '2026-03-02T00:00:00Z', dbVersion: 'new' }));
  });

  test(`${backend}: a repository prefix matches whole path segments`, async () => {
    const store = await freshStore();
    const repositories = [
      'reg/app',
      'reg/app/api',
      'reg/application',
      'reg/ap',
      'reg/app0',
      'other/app',
      'reg',
    ];
    for (const [i, repository] of repositories.entries()) {
      await store.putImageScan(scan({ repository, digest: `sha256:${i}` }));
    }
    const under = async (prefix: string) => (await store.latestImageScans(prefix)).map((s) => s.repository);
    assert.deepEqual(await under('reg/app'), ['reg/app', 'reg/app/api']);
    assert.deepEqual(await under('reg/app/'), ['reg/app', 'reg/app/api']);
    assert.deepEqual(await under('reg'), [
      'reg',
      'reg/ap',
      'reg/app',
      'reg/app/api',
      'reg/app0',
      'reg/application',
    ]);
    assert.deepEqual(await under('reg/a'), []);
    assert.deepEqual(await under("reg/app' OR '1'='1"), []);
    assert.equal((await store.latestImageScans('')).length, repositories.length);
  });

  test(`${backend}: the build ledger keeps the first record of a build and finds the earliest`, async () => {
    const store = await freshStore();
    const first = {
      digest: 'sha256:aaaa',
      repository: 'reg/app',
      pipeline: 'github:org/repo/.github/workflows/ci.yml@refs/heads/main',
      recordedAt: '2026-03-01T10:00:00Z',
    };
    await store.recordBuild({ ...first, pipeline: 'gitlab:other', recordedAt: '2026-03-02T10:00:00Z' });
    await store.recordBuild(first);
    await store.recordBuild({ ...first, recordedAt: '2026-03-05T10:00:00Z' });
    assert.deepEqual(await store.findBuild('sha256:aaaa'), first);
    assert.equal(await store.findBuild('sha256:other'), undefined);
  });

  test(`${backend}: unfinishedRun finds the newest unfinished run of a target; finishRun ends it`, async () => {
    const store = await freshStore();
    const run = (id: string, target: string, startedAt: string) => ({
      id,
      target,
      startedAt,
      dbVersion: 'v1',
    });
    await store.startRun(run('r1', 'reg:5000', '2026-03-01T10:00:00Z'));
    await store.startRun(run('r2', 'reg:5000', '2026-03-01T11:00:00Z'));
    await store.startRun(run('r3', 'reg:5000/team#shard 1/2', '2026-03-01T12:00:00Z'));
    await store.startRun({
      ...run('r4', 'reg:5000', '2026-03-01T13:00:00Z'),
      finishedAt: '2026-03-01T13:30:00Z',
    });
    assert.deepEqual(await store.unfinishedRun('reg:5000'), run('r2', 'reg:5000', '2026-03-01T11:00:00Z'));
    // Starting again with the same id (a retried call) changes nothing.
    await store.startRun(run('r2', 'reg:5000', '2026-03-09T00:00:00Z'));
    assert.equal((await store.unfinishedRun('reg:5000'))?.startedAt, '2026-03-01T11:00:00Z');
    await store.finishRun('r2', '2026-03-01T11:30:00Z');
    assert.equal((await store.unfinishedRun('reg:5000'))?.id, 'r1');
    await store.finishRun('r1', '2026-03-01T11:40:00Z');
    assert.equal(await store.unfinishedRun('reg:5000'), undefined);
    assert.equal((await store.unfinishedRun('reg:5000/team#shard 1/2'))?.id, 'r3');
    const recent = await store.recentRuns();
    assert.deepEqual(
      recent.map((r) => [r.id, r.finishedAt]),
      [
        ['r4', '2026-03-01T13:30:00Z'],
        ['r3', undefined],
        ['r2', '2026-03-01T11:30:00Z'],
        ['r1', '2026-03-01T11:40:00Z'],
      ],
    );
    assert.deepEqual(
      (await store.recentRuns(2)).map((r) => r.id),
      ['r4', 'r3'],
    );
  });

  test(`${backend}: run items resume: markRunDigestDone marks every tag of the digest in that run only`, async () => {
    const store = await freshStore();
    for (const id of ['run-a', 'run-b']) {
      await store.startRun({ id, target: id, startedAt: '2026-03-01T10:00:00Z', dbVersion: 'v1' });
    }
    const item = (runId: string, repository: string, tag: string, digest: string): RunItem => ({
      runId,
      repository,
      tag,
      digest,
      done: false,
    });
    await store.putRunItems([
      item('run-a', 'reg/web', 'v2', 'sha256:2'),
      item('run-a', 'reg/web', 'latest', 'sha256:2'),
      item('run-a', 'reg/api', 'v1', 'sha256:1'),
      item('run-b', 'reg/web', 'v2', 'sha256:2'),
    ]);
    await store.markRunDigestDone('run-a', 'sha256:2');
    const state = async (runId: string) =>
      (await store.runItems(runId)).map(
        (i) => `${i.repository}:${i.tag}=${i.digest}${i.done ? ' done' : ''}`,
      );
    assert.deepEqual(await state('run-a'), [
      'reg/api:v1=sha256:1',
      'reg/web:latest=sha256:2 done',
      'reg/web:v2=sha256:2 done',
    ]);
    assert.deepEqual(await state('run-b'), ['reg/web:v2=sha256:2']);
    // A resumed run relists the tags: same digest keeps done, a moved tag is scanned again.
    await store.putRunItems([
      item('run-a', 'reg/web', 'v2', 'sha256:2'),
      item('run-a', 'reg/web', 'latest', 'sha256:3'),
    ]);
    assert.deepEqual(await state('run-a'), [
      'reg/api:v1=sha256:1',
      'reg/web:latest=sha256:3',
      'reg/web:v2=sha256:2 done',
    ]);
    assert.deepEqual(await store.runItems('run-none'), []);
  });

  test(`${backend}: putRunItems is all or nothing`, async () => {
    const store = await freshStore();
    await store.startRun({ id: 'run-a', target: 't', startedAt: '2026-03-01T10:00:00Z', dbVersion: 'v1' });
    const items: RunItem[] = Array.from({ length: 2500 }, (_, i) => ({
      runId: 'run-a',
      repository: `reg/r${String(i).padStart(4, '0')}`,
      tag: 'latest',
      digest: `sha256:${i}`,
      done: false,
    }));
    // The last item names a run that does not exist: the database refuses it, and the whole batch with it.
    items.push({ runId: 'no-such-run', repository: 'reg/x', tag: 't', digest: 'sha256:x', done: false });
    await assert.rejects(store.putRunItems(items));
    assert.deepEqual(await store.runItems('run-a'), []);
    await store.putRunItems(items.slice(0, -1));
    assert.equal((await store.runItems('run-a')).length, 2500);
  });

  test(`${backend}: putWorkloads replaces the whole set and stamps seenAt`, async () => {
    const store = await freshStore();
    const workload = (namespace: string, name: string, image: string): WorkloadRecord => ({
      cluster: 'ignored',
      namespace,
      kind: 'Deployment',
      name,
      images: [{ container: 'main', image, digest: `sha256:${name}` }],
      seenAt: '2000-01-01T00:00:00Z',
    });
    await store.putWorkloads(
      [
        workload('shop', 'web', 'web:1'),
        workload('shop', 'api', 'api:1'),
        workload('kube-system', 'dns', 'dns:1'),
      ],
      '2026-03-01T10:00:00Z',
    );
    assert.deepEqual(
      (await store.workloads()).map((w) => `${w.namespace}/${w.name}@${w.seenAt}`),
      [
        'kube-system/dns@2026-03-01T10:00:00Z',
        'shop/api@2026-03-01T10:00:00Z',
        'shop/web@2026-03-01T10:00:00Z',
      ],
    );
    const second = [
      workload('shop', 'web', 'web:1'),
      { ...workload('shop', 'web', 'web:2'), images: [{ container: 'main', image: 'web:2' }] },
    ];
    await store.putWorkloads(second, '2026-03-01T11:00:00Z');
    assert.deepEqual(await store.workloads(), [
      {
        cluster: 'default',
        namespace: 'shop',
        kind: 'Deployment',
        name: 'web',
        images: [{ container: 'main', image: 'web:2' }],
        seenAt: '2026-03-01T11:00:00Z',
      },
    ]);
    await store.putWorkloads([], '2026-03-01T12:00:00Z');
    assert.deepEqual(await store.workloads(), []);
  });

  test(`${backend}: clusters' workload sets coexist and replacing one leaves the others`, async () => {
    const store = await freshStore();
    const pod = (name: string): WorkloadRecord => ({
      cluster: 'whatever the caller said',
      namespace: 'shop',
      kind: 'Pod',
      name,
      images: [{ container: 'main', image: `${name}:1` }],
      seenAt: '',
    });
    await store.putWorkloads([pod('web'), pod('api')], '2026-03-01T10:00:00Z', 'prod-eu');
    assert.deepEqual(await store.clusters(), ['prod-eu']);
    await store.putWorkloads([pod('web')], '2026-03-01T10:00:05Z', 'prod-us');
    const listed = async (cluster?: string) =>
      (await store.workloads(cluster)).map((w) => `${w.cluster}:${w.name}@${w.seenAt}`);
    assert.deepEqual(await listed(), [
      'prod-eu:api@2026-03-01T10:00:00Z',
      'prod-eu:web@2026-03-01T10:00:00Z',
      'prod-us:web@2026-03-01T10:00:05Z',
    ]);
    // One cluster's next pass replaces its own set only, even when it is now empty.
    await store.putWorkloads([pod('cache')], '2026-03-01T11:00:00Z', 'prod-eu');
    assert.deepEqual(await listed(), [
      'prod-eu:cache@2026-03-01T11:00:00Z',
      'prod-us:web@2026-03-01T10:00:05Z',
    ]);
    await store.putWorkloads([], '2026-03-01T12:00:00Z', 'prod-us');
    assert.deepEqual(await listed(), ['prod-eu:cache@2026-03-01T11:00:00Z']);
    assert.deepEqual(await listed('prod-us'), []);
    assert.deepEqual(await listed('prod-eu'), ['prod-eu:cache@2026-03-01T11:00:00Z']);
    await assert.rejects(store.putWorkloads([], '2026-03-01T12:00:00Z', ''), /workloads cluster/);
    await assert.rejects(
      store.putWorkloads([], '2026-03-01T12:00:00Z', 'x'.repeat(254)),
      (error: unknown) => error instanceof InputError && /workloads cluster/.test(error.message),
    );
    await assert.rejects(store.putWorkloads([], '2026-03-01T12:00:00Z', 'a\nb'), /workloads cluster/);
  });

  test(`${backend}: posture history per cluster, each cluster keeping its newest findings`, async () => {
    const store = await freshStore();
    for (const [day, cluster] of [
      [1, 'prod-eu'],
      [2, 'prod-us'],
      [3, 'prod-eu'],
      [4, undefined],
    ] as const) {
      await store.putPostureSnapshot({
        takenAt: `2026-03-0${day}T00:00:00Z`,
        ...(cluster !== undefined ? { cluster } : {}),
        counts: [{ namespace: 'shop', severity: 'high', count: day }],
        findings: [{ ruleId: `r${day}` }],
      });
    }
    const summary = (history: { cluster?: string; takenAt: string; findings: unknown[] }[]) =>
      history.map((h) => `${h.cluster}:${h.takenAt.slice(8, 10)}:${h.findings.length}`);
    assert.deepEqual(summary(await store.postureHistory()), [
      'default:04:1',
      'prod-eu:03:1',
      'prod-us:02:1',
      'prod-eu:01:0',
    ]);
    assert.deepEqual(summary(await store.postureHistory(10, 'prod-eu')), ['prod-eu:03:1', 'prod-eu:01:0']);
    assert.deepEqual(summary(await store.postureHistory(1, 'prod-us')), ['prod-us:02:1']);
    assert.deepEqual(await store.postureHistory(10, 'nowhere'), []);
    await store.putWorkloads([workloadNamed('web')], '2026-03-05T00:00:00Z', 'edge');
    assert.deepEqual(await store.clusters(), ['default', 'edge', 'prod-eu', 'prod-us']);
  });

  test(`${backend}: a schema-1 store upgrades in place, its rows kept under cluster "default"`, async () => {
    const location = await schemaOne(SCHEMA_ONE_ROWS);
    const store = await open(location);
    assert.deepEqual(await store.workloads(), [
      {
        cluster: 'default',
        namespace: 'shop',
        kind: 'Deployment',
        name: 'web',
        images: [{ container: 'main', image: 'web:1' }],
        seenAt: '2026-02-01T00:00:00Z',
      },
    ]);
    assert.deepEqual(await store.postureHistory(), [
      {
        takenAt: '2026-02-01T00:00:00Z',
        cluster: 'default',
        counts: [{ namespace: 'shop', severity: 'high', count: 3 }],
        findings: [{ ruleId: 'old' }],
      },
    ]);
    // The upgraded table takes a second cluster beside the old rows, and a reopen does not migrate again.
    await store.putWorkloads([{ ...workloadNamed('web'), cluster: '' }], '2026-03-01T00:00:00Z', 'edge');
    await store.close();
    const again = await open(location);
    assert.deepEqual(
      (await again.workloads()).map((w) => `${w.cluster}/${w.namespace}/${w.name}`),
      ['default/shop/web', 'edge/shop/web'],
    );
  });

  test(`${backend}: posture history is newest first and only the newest keeps its findings`, async () => {
    const store = await freshStore();
    for (let day = 1; day <= 4; day++) {
      await store.putPostureSnapshot({
        takenAt: `2026-03-0${day}T00:00:00Z`,
        counts: [{ namespace: 'shop', severity: 'high', count: day }],
        findings: [{ ruleId: `r${day}`, nested: { list: [day] } }],
      });
    }
    const history = await store.postureHistory();
    assert.deepEqual(
      history.map((h) => [h.takenAt, h.counts[0]?.count, h.findings.length]),
      [
        ['2026-03-04T00:00:00Z', 4, 1],
        ['2026-03-03T00:00:00Z', 3, 0],
        ['2026-03-02T00:00:00Z', 2, 0],
        ['2026-03-01T00:00:00Z', 1, 0],
      ],
    );
    assert.deepEqual(history[0]?.findings, [{ ruleId: 'r4', nested: { list: [4] } }]);
    assert.equal((await store.postureHistory(2)).length, 2);
  });

  test(`${backend}: alerts are newest first, limited to ${DEFAULT_HISTORY_LIMIT} by default`, async () => {
    const store = await freshStore();
    const alerts: StoredAlert[] = Array.from({ length: 130 }, (_, i) => ({
      rule: i % 2 ? 'exec-into-pod' : 'cluster-admin-binding',
      priority: 'WARNING',
      time: new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString(),
      message: `alert ${i}`,
      ...(i % 3 === 0 ? { namespace: 'shop', user: 'alice' } : {}),
    }));
    await store.putAlerts(alerts.slice(0, 70));
    await store.putAlerts(alerts.slice(70));
    const newest = await store.alerts();
    assert.equal(newest.length, DEFAULT_HISTORY_LIMIT);
    assert.deepEqual(newest.slice(0, 3), [alerts[129], alerts[128], alerts[127]]);
    assert.deepEqual(await store.alerts(2), [alerts[129], alerts[128]]);
    assert.deepEqual((await store.alerts(1000)).at(-1), alerts[0]);
    await store.putAlerts([]);
    assert.equal((await store.alerts(1000)).length, 130);
  });

  test(`${backend}: bad input is refused with an InputError naming the field`, async () => {
    const store = await freshStore();
    await assert.rejects(store.putImageScan(scan({ scannedAt: 'yesterday' })), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.match(error.message, /scannedAt: not an ISO 8601 timestamp: "yesterday"/);
      return true;
    });
    await assert.rejects(
      store.putImageScan(scan({ packages: -1 })),
      /packages: must be a non-negative integer/,
    );
    await assert.rejects(store.alerts(-1), InputError);
    await assert.rejects(store.alerts(1.5), InputError);
    await assert.rejects(store.putWorkloads([], 'now'), /workloads seenAt/);
    assert.deepEqual(await store.latestImageScans(), []);
  });

  test(`${backend}: two stores on one location write concurrently and lose nothing`, async () => {
    const location = await fresh();
    const [a, b] = [await open(location), await open(location)] as [Store, Store];
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 40; i++) {
      for (const [name, store] of [
        ['a', a],
        ['b', b],
      ] as const) {
        writes.push(
          store.putImageScan(
            scan({
              digest: `sha256:${name}${i % 5}`,
              scannedAt: new Date(Date.UTC(2026, 2, 1, 0, 0, i)).toISOString(),
              dbVersion: `${name}${i}`,
            }),
          ),
          store.putAlerts([
            { rule: name, priority: 'NOTICE', time: '2026-03-01T00:00:00Z', message: `${name}${i}` },
          ]),
        );
      }
      writes.push(
        a.putWorkloads(
          [{ cluster: '', namespace: 'n', kind: 'Pod', name: `p${i}`, images: [], seenAt: '' }],
          `2026-03-01T00:00:${String(i).padStart(2, '0')}Z`,
        ),
      );
      writes.push(
        b.putWorkloads(
          [{ cluster: '', namespace: 'n', kind: 'Pod', name: `q${i}`, images: [], seenAt: '' }],
          `2026-03-01T00:01:${String(i).padStart(2, '0')}Z`,
        ),
      );
    }
    await Promise.all(writes);
    const latest = await a.latestImageScans();
    assert.equal(latest.length, 10);
    for (const s of latest)
      assert.equal(s.dbVersion, `${s.digest.slice(7, 8)}${35 + Number(s.digest.slice(8))}`);
    assert.equal((await b.imageScans('sha256:a0', 100)).length, 8);
    assert.equal((await b.alerts(1000)).length, 80);
    // Whole sets replaced one after another, never mixed.
    assert.equal((await a.workloads()).length, 1);
  });
}
