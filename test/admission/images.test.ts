import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonPointer } from '../../src/admission/images.js';
import { TtlCache } from '../../src/admission/verification-cache.js';
import { DIGEST_A, DIGEST_B, decide, engineFor, testResolver, testVerifier } from './engine.js';
import { kubectlObject } from './kubectl-fixtures.js';
import { clone, restrictedPod, reviewFor } from './reviews.js';

const VERIFY = (extra: Record<string, unknown> = {}) => ({
  images: {
    resolveDigests: true,
    verify: [{ images: ['registry.example.com/team'], verifier: 'test' }],
    ...extra,
    // Generous unless a test is about the budget: a cold first call on a busy machine must not run out of it.
    verification: { budgetMs: 1000, ...((extra['verification'] as object) ?? {}) },
  },
});

const RESOLVER = () =>
  testResolver({
    'registry.example.com/team/app:1.0': DIGEST_A,
    'registry.example.com/team/bad:1.0': DIGEST_B,
    'docker.io/library/nginx:1.27': DIGEST_B,
  });

test('mutation pins tags to digests with a JSON Patch at the right pointer, for every workload kind', async () => {
  const resolver = RESOLVER();
  const engine = engineFor(VERIFY(), { resolver });
  const d = await decide(engine, reviewFor(kubectlObject('deployment-web')), 'mutate');
  assert.equal(d.verdict.allowed, true);
  assert.deepEqual(d.verdict.patch, [
    { op: 'replace', path: '/spec/template/spec/containers/0/image', value: `nginx:1.27@${DIGEST_B}` },
  ]);
  const pinned = await decide(
    engine,
    reviewFor(restrictedPod('p', `registry.example.com/team/app:1.0@${DIGEST_A}`)),
    'mutate',
  );
  assert.equal(pinned.verdict.patch, undefined, 'an image with a digest is left alone');
});

test('mutation on UPDATE pins only images the update brings in (no surprise rollouts)', async () => {
  const engine = engineFor(VERIFY(), { resolver: RESOLVER() });
  const before = kubectlObject('deployment-web');
  const same = clone(before) as { spec: { replicas: number } };
  same.spec.replicas = 5;
  const unchanged = await decide(
    engine,
    reviewFor(same, { operation: 'UPDATE', oldObject: before }),
    'mutate',
  );
  assert.equal(unchanged.verdict.patch, undefined);
  const bumped = clone(before) as { spec: { template: { spec: { containers: { image: string }[] } } } };
  bumped.spec.template.spec.containers[0]!.image = 'registry.example.com/team/app:1.0';
  const changed = await decide(
    engine,
    reviewFor(bumped, { operation: 'UPDATE', oldObject: before }),
    'mutate',
  );
  assert.deepEqual(
    changed.verdict.patch?.map((p) => p.value),
    [`registry.example.com/team/app:1.0@${DIGEST_A}`],
  );
});

test('validation verifies the digest; results are cached by digest (tag and digest forms share one entry)', async () => {
  const verifier = testVerifier({ [DIGEST_A]: { verified: true, signer: 'team' } });
  const engine = engineFor(VERIFY(), { resolver: RESOLVER(), verifiers: [verifier] });
  const first = await decide(engine, reviewFor(restrictedPod('a', 'registry.example.com/team/app:1.0')));
  assert.equal(first.verdict.allowed, true);
  assert.deepEqual(first.cache, { hits: 0, misses: 2 }, 'tag resolution and verification both missed');
  const second = await decide(
    engine,
    reviewFor(restrictedPod('b', `registry.example.com/team/app@${DIGEST_A}`)),
  );
  assert.equal(second.verdict.allowed, true);
  assert.deepEqual(second.cache, { hits: 1, misses: 0 });
  assert.equal(verifier.calls.length, 1);
  assert.ok(second.metrics.some((m) => m.policy === 'signature' && m.result === 'verified'));
});

test('a signature that does not verify is denied whatever the failure mode', async () => {
  const engine = engineFor(VERIFY({ verification: { failureMode: 'open' } }), {
    resolver: RESOLVER(),
    verifiers: [testVerifier({ [DIGEST_B]: { verified: false, reason: 'signed by an untrusted key' } })],
  });
  const d = await decide(engine, reviewFor(restrictedPod('x', 'registry.example.com/team/bad:1.0')));
  assert.equal(d.verdict.allowed, false);
  assert.equal(
    d.verdict.status?.message,
    `image "registry.example.com/team/bad:1.0" (${DIGEST_B}) failed signature verification by test: signed by an untrusted key`,
  );
});

test('registry down: fail closed denies with a clear message, fail open admits with a warning and an audit annotation', async () => {
  const down = () => testResolver({}, { fail: new Error('connect ECONNREFUSED 127.0.0.1:5000') });
  const image = 'registry.example.com/team/app:1.0';
  const closed = await decide(
    engineFor(VERIFY(), { resolver: down(), verifiers: [testVerifier({})] }),
    reviewFor(restrictedPod('x', image)),
  );
  assert.equal(closed.verdict.allowed, false);
  assert.equal(
    closed.verdict.status?.message,
    `image "${image}": signature not verified: connect ECONNREFUSED 127.0.0.1:5000 (failure mode closed)`,
  );
  const open = await decide(
    engineFor(VERIFY({ verification: { failureMode: 'open' } }), {
      resolver: down(),
      verifiers: [testVerifier({})],
    }),
    reviewFor(restrictedPod('x', image)),
  );
  assert.equal(open.verdict.allowed, true);
  assert.match(
    open.verdict.warnings[0] ?? '',
    /signature not verified: connect ECONNREFUSED.*admitted because the failure mode is open/,
  );
  assert.match(open.verdict.auditAnnotations['image-verification-failed-open'] ?? '', /\(failed open\)$/);
  const mutateOpen = await decide(
    engineFor(VERIFY({ verification: { failureMode: 'open' } }), { resolver: down() }),
    reviewFor(restrictedPod('x', image)),
    'mutate',
  );
  assert.deepEqual([mutateOpen.verdict.allowed, mutateOpen.verdict.patch], [true, undefined]);
  assert.match(mutateOpen.verdict.warnings[0] ?? '', /cannot resolve the tag to a digest/);
});

test('registry slow: the time budget ends the wait before the webhook timeout, and failures are not cached', async () => {
  const verifier = testVerifier({ [DIGEST_A]: { verified: true } }, { hang: true });
  const engine = engineFor(VERIFY({ verification: { budgetMs: 200 } }), {
    resolver: RESOLVER(),
    verifiers: [verifier],
  });
  const started = Date.now();
  const d = await decide(engine, reviewFor(restrictedPod('x', `registry.example.com/team/app@${DIGEST_A}`)));
  const took = Date.now() - started;
  assert.equal(d.verdict.allowed, false);
  assert.match(
    d.verdict.status?.message ?? '',
    /registry time budget of 200 ms exhausted \(failure mode closed\)/,
  );
  assert.ok(took >= 190 && took < 1000, `took ${took} ms`);
  await decide(engine, reviewFor(restrictedPod('y', `registry.example.com/team/app@${DIGEST_A}`)));
  assert.equal(verifier.calls.length, 2, 'a failure is retried on the next request');
});

test('concurrent requests for one digest share a single verification', async () => {
  const verifier = testVerifier({ [DIGEST_A]: { verified: true } }, { delayMs: 30 });
  const engine = engineFor(VERIFY(), { resolver: RESOLVER(), verifiers: [verifier] });
  const results = await Promise.all(
    Array.from({ length: 5 }, (_, i) =>
      decide(engine, reviewFor(restrictedPod(`p${i}`, `registry.example.com/team/app@${DIGEST_A}`))),
    ),
  );
  assert.ok(results.every((r) => r.verdict.allowed));
  assert.equal(verifier.calls.length, 1);
});

test('verification cache entries expire after their TTL', async () => {
  let now = 1_000_000;
  const verifier = testVerifier({ [DIGEST_A]: { verified: true } });
  const engine = engineFor(VERIFY({ verification: { cacheTtlSeconds: 60, negativeCacheTtlSeconds: 5 } }), {
    resolver: RESOLVER(),
    verifiers: [verifier],
    now: () => now,
  });
  const review = () => reviewFor(restrictedPod('x', `registry.example.com/team/app@${DIGEST_A}`));
  await decide(engine, review());
  now += 59_000;
  await decide(engine, review());
  assert.equal(verifier.calls.length, 1);
  now += 2_000;
  await decide(engine, review());
  assert.equal(verifier.calls.length, 2);
});

test('unknown origin: images no verify rule covers can be denied or warned about', async () => {
  const engine = engineFor(VERIFY({ unknownOrigin: 'deny' }), {
    resolver: RESOLVER(),
    verifiers: [testVerifier({})],
  });
  const d = await decide(engine, reviewFor(kubectlObject('deployment-web')));
  assert.equal(d.verdict.allowed, false);
  assert.equal(
    d.verdict.status?.message,
    'image "nginx:1.27" is of unknown origin: no signature verification rule covers it',
  );
});

test('verify rules can be scoped by namespace selector', async () => {
  const verifier = testVerifier({});
  const engine = engineFor(
    {
      namespaces: { labels: { shop: { tier: 'prod' }, dev: { tier: 'dev' } } },
      images: {
        verify: [
          {
            images: ['registry.example.com'],
            verifier: 'test',
            namespaceSelector: { matchLabels: { tier: 'prod' } },
          },
        ],
      },
    },
    { resolver: RESOLVER(), verifiers: [verifier] },
  );
  const inDev = await decide(
    engine,
    reviewFor(restrictedPod('x', 'registry.example.com/team/app:1.0'), { namespace: 'dev' }),
  );
  assert.equal(inDev.verdict.allowed, true);
  assert.equal(verifier.calls.length, 0);
  const inProd = await decide(engine, reviewFor(restrictedPod('x', 'registry.example.com/team/app:1.0')));
  assert.equal(inProd.verdict.allowed, false);
});

test('jsonPointer escapes and indexes; TtlCache evicts the oldest entry when full', () => {
  assert.equal(
    jsonPointer('spec.jobTemplate.spec.template.spec.initContainers[2]'),
    '/spec/jobTemplate/spec/template/spec/initContainers/2',
  );
  assert.equal(jsonPointer('a/b.c~d'), '/a~1b/c~0d');
  const cache = new TtlCache<number>(2, () => 0);
  cache.set('a', 1, 10);
  cache.set('b', 2, 10);
  cache.set('c', 3, 10);
  assert.deepEqual([cache.get('a'), cache.get('b'), cache.get('c')], [undefined, 2, 3]);
});
