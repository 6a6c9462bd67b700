import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { parseWebhookConfig } from '../../src/admission/config.js';
import type { AdmissionEngine } from '../../src/admission/admit.js';
import { Counter, keyOf } from '../../src/server/metrics.js';
import { startWebhookServer } from '../../src/server/webhook-server.js';
import type { WebhookApp } from '../../src/server/webhook-app.js';
import { startWebhookApp } from '../../src/server/webhook-app.js';
import { DIGEST_A, testResolver, testVerifier } from '../admission/engine.js';
import { kubectlObject } from '../admission/kubectl-fixtures.js';
import { restrictedPod, reviewFor } from '../admission/reviews.js';
import { json, send } from './https-client.js';
import type { TestCa } from '../helpers/test-ca.js';
import { createTestCa } from '../helpers/test-ca.js';

let ca: TestCa;
let app: WebhookApp;
let url: string;
const logs: Record<string, unknown>[] = [];

const CONFIG = {
  server: { listen: '127.0.0.1:0', maxBodyBytes: 64 * 1024 },
  namespaces: {
    labels: { shop: { 'pod-security.kubernetes.io/enforce': 'restricted', team: 'payments' } },
  },
  checks: { assignments: [{ checks: ['workload.resource-limits-missing'], effect: 'audit' as const }] },
  images: {
    resolveDigests: true,
    verify: [{ images: ['registry.example.com'], verifier: 'test' }],
    verification: { budgetMs: 500 },
  },
};

before(async () => {
  ca = createTestCa();
  const files = ca.issue('webhook-1', {
    certFile: join(ca.dir, 'tls.crt'),
    keyFile: join(ca.dir, 'tls.key'),
  });
  app = await startWebhookApp({
    config: parseWebhookConfig({
      ...CONFIG,
      server: { ...CONFIG.server, tls: { ...files, reloadIntervalSeconds: 0.2 } },
    }),
    resolver: testResolver({
      'docker.io/library/nginx:1.27': DIGEST_A,
      'registry.example.com/team/app:1.0': DIGEST_A,
    }),
    verifiers: [testVerifier({ [DIGEST_A]: { verified: true } })],
    log: (r) => logs.push(r),
  });
  url = app.server.url;
});

after(async () => {
  await app.close();
});

const post = (path: string, body: unknown) =>
  send(`${url}${path}`, { ca: ca.caPem, body: typeof body === 'string' ? body : JSON.stringify(body) });

test('POST /validate with a kubectl deployment answers 200 with an admission.k8s.io/v1 AdmissionReview echoing the uid', async () => {
  const review = reviewFor(kubectlObject('deployment-web'), { uid: '705ab4f5-6393-11e8-b7cc-42010a800002' });
  const reply = await post('/validate', review);
  assert.equal(reply.status, 200);
  assert.match(String(reply.headers['content-type']), /^application\/json/);
  const body = json<{ apiVersion: string; kind: string; response: Record<string, unknown> }>(reply);
  assert.equal(body.apiVersion, 'admission.k8s.io/v1');
  assert.equal(body.kind, 'AdmissionReview');
  assert.equal(body.response['uid'], '705ab4f5-6393-11e8-b7cc-42010a800002');
  assert.equal(body.response['allowed'], true);
  assert.match(
    String((body.response['warnings'] as string[])[0]),
    /^would violate PodSecurity "restricted:latest"/,
  );
  assert.match(
    String((body.response['auditAnnotations'] as Record<string, string>)['check-violations']),
    /^workload\.resource-limits-missing: /,
  );
});

test('POST /validate denies a kubectl run pod with status code and message inside a 200 answer', async () => {
  const reply = await post('/validate', reviewFor(kubectlObject('pod-debug')));
  assert.equal(reply.status, 200);
  const { response } = json<{
    response: { allowed: boolean; status: { code: number; status: string; reason: string; message: string } };
  }>(reply);
  assert.equal(response.allowed, false);
  assert.equal(response.status.code, 403);
  assert.equal(response.status.status, 'Failure');
  assert.equal(response.status.reason, 'Forbidden');
  assert.match(response.status.message, /^pod violates PodSecurity "restricted:latest": /);
});

test('POST /mutate returns a base64 JSON Patch with patchType JSONPatch; the verified digest is what runs', async () => {
  const reply = await post('/mutate', reviewFor(kubectlObject('deployment-web')));
  const { response } = json<{ response: { allowed: boolean; patch: string; patchType: string } }>(reply);
  assert.equal(response.allowed, true);
  assert.equal(response.patchType, 'JSONPatch');
  assert.deepEqual(JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8')), [
    { op: 'replace', path: '/spec/template/spec/containers/0/image', value: `nginx:1.27@${DIGEST_A}` },
  ]);
  const pinned = restrictedPod('app', `registry.example.com/team/app:1.0@${DIGEST_A}`);
  const verified = json<{ response: { allowed: boolean } }>(await post('/validate', reviewFor(pinned)));
  assert.equal(verified.response.allowed, true);
});

test('malformed bodies get 400 with a message; wrong method 405; unknown path 404', async () => {
  const notJson = await post('/validate', '{"apiVersion": ');
  assert.equal(notJson.status, 400);
  assert.deepEqual(json(notJson), { error: 'body is not valid JSON' });
  const wrong = await post('/validate', {
    apiVersion: 'admission.k8s.io/v1beta1',
    kind: 'AdmissionReview',
    request: {},
  });
  assert.equal(wrong.status, 400);
  assert.match(String(json(wrong)['error']), /apiVersion/);
  const noUid = reviewFor(kubectlObject('pod-debug')) as { request: Record<string, unknown> };
  delete noUid.request['uid'];
  assert.equal((await post('/validate', noUid)).status, 400);
  assert.equal((await send(`${url}/validate`, { ca: ca.caPem, method: 'GET' })).status, 405);
  assert.equal((await post('/nope', {})).status, 404);
});

test('bodies over the limit get 413, declared or streamed, and the server keeps serving', async () => {
  const big = JSON.stringify({ pad: 'x'.repeat(70 * 1024) });
  const declared = await post('/validate', big);
  assert.equal(declared.status, 413);
  const streamed = await send(`${url}/validate`, {
    ca: ca.caPem,
    body: big,
    headers: { 'transfer-encoding': 'chunked' },
  });
  assert.equal(streamed.status, 413);
  assert.equal((await send(`${url}/healthz`, { ca: ca.caPem, method: 'GET' })).status, 200);
});

test('/healthz, /readyz and /metrics in the Prometheus text format', async () => {
  await post('/validate', reviewFor(restrictedPod('m', `registry.example.com/team/app@${DIGEST_A}`)));
  assert.equal((await send(`${url}/readyz`, { ca: ca.caPem, method: 'GET' })).body, 'ok\n');
  const metrics = await send(`${url}/metrics`, { ca: ca.caPem, method: 'GET' });
  assert.equal(metrics.status, 200);
  assert.match(String(metrics.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  const text = metrics.body;
  assert.match(text, /^kubeward_admission_requests_total\{endpoint="validate",decision="denied"\} \d+$/m);
  assert.match(
    text,
    /^kubeward_admission_requests_total\{endpoint="validate",decision="bad_request"\} \d+$/m,
  );
  assert.match(
    text,
    /^kubeward_admission_policy_results_total\{policy="pss",result="enforce-violation"\} \d+$/m,
  );
  assert.match(
    text,
    /^kubeward_admission_policy_results_total\{policy="check:workload\.resource-limits-missing",result="audit"\} \d+$/m,
  );
  assert.match(text, /^kubeward_admission_duration_seconds_bucket\{endpoint="validate",le="0\.01"\} \d+$/m);
  assert.match(text, /^kubeward_admission_duration_seconds_count\{endpoint="mutate"\} \d+$/m);
  assert.match(text, /^kubeward_cache_requests_total\{cache="image",result="hit"\} [1-9]\d*$/m);
  assert.match(text, /^kubeward_namespace_cache_lookups_total\{result="(hit|miss)"\} \d+$/m);
});

test('TLS handshakes are counted: a keep-alive client pays one, a client without keep-alive one per request', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: ca.caPem });
  const handshakes = async (via: Agent | undefined) => {
    const text = (
      await send(`${url}/metrics`, { ca: ca.caPem, method: 'GET', ...(via ? { agent: via } : {}) })
    ).body;
    return [...text.matchAll(/^kubeward_tls_handshakes_total\{resumed="(?:true|false)"\} (\d+)$/gm)].reduce(
      (sum, m) => sum + Number(m[1]),
      0,
    );
  };
  try {
    const first = await handshakes(agent);
    assert.ok(first >= 1, 'the connection this request came on was counted');
    for (let i = 0; i < 5; i++)
      assert.equal(
        (
          await send(`${url}/validate`, {
            ca: ca.caPem,
            agent,
            body: JSON.stringify(
              reviewFor(restrictedPod(`k${i}`, `registry.example.com/team/app@${DIGEST_A}`)),
            ),
          })
        ).status,
        200,
      );
    assert.equal(await handshakes(agent), first, 'five reviews on a kept-alive connection: no new handshake');
    await send(`${url}/healthz`, { ca: ca.caPem, method: 'GET' });
    assert.equal(await handshakes(agent), first + 1, 'a request on a fresh connection: one handshake');
  } finally {
    agent.destroy();
  }
});

test('metric series stay apart whatever their label text (keys are length-prefixed), and counters sum', () => {
  const counter = new Counter('kubeward_test_total', 'test');
  counter.inc({ policy: 'a', result: 'b' });
  counter.inc({ policy: 'a', result: 'b' }, 2);
  counter.inc({ policy: 'ab', result: '' });
  counter.inc({ policy: 'a"b', result: 'x\ny' });
  assert.equal(counter.get({ policy: 'a', result: 'b' }), 3);
  assert.equal(counter.get({ policy: 'ab', result: '' }), 1);
  assert.notEqual(keyOf({ policy: 'a', result: 'b' }), keyOf({ policy: 'ab', result: '' }));
  assert.notEqual(keyOf({ a: '1:b' }), keyOf({ a: '', b: '' }));
  assert.equal(counter.total(), 5);
  assert.deepEqual(counter.render().slice(2), [
    'kubeward_test_total{policy="a",result="b"} 3',
    'kubeward_test_total{policy="ab",result=""} 1',
    'kubeward_test_total{policy="a\\"b",result="x\\ny"} 1',
  ]);
});

test('dry runs are decided but never written to the decision log', async () => {
  const before = logs.length;
  await post('/validate', reviewFor(kubectlObject('pod-debug'), { dryRun: true, uid: 'dry-1' }));
  assert.ok(!logs.slice(before).some((r) => r['uid'] === 'dry-1'));
  await post('/validate', reviewFor(kubectlObject('pod-debug'), { uid: 'wet-1' }));
  assert.ok(logs.slice(before).some((r) => r['uid'] === 'wet-1' && r['allowed'] === false));
});

test('certificate rotated during traffic: new connections get the new certificate, no request fails, no restart', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const review = JSON.stringify(reviewFor(restrictedPod()));
  const seen = new Set<string>();
  let failures = 0;
  let stop = false;
  const traffic = (async () => {
    while (!stop) {
      try {
        const [kept, fresh] = await Promise.all([
          send(`${url}/validate`, { ca: ca.caPem, body: review, agent }),
          send(`${url}/validate`, { ca: ca.caPem, body: review }),
        ]);
        if (kept.status !== 200 || fresh.status !== 200) failures += 1;
        if (fresh.cn) seen.add(fresh.cn);
      } catch {
        failures += 1;
      }
    }
  })();
  await new Promise((r) => setTimeout(r, 100));
  ca.issue('webhook-2', { certFile: join(ca.dir, 'tls.crt'), keyFile: join(ca.dir, 'tls.key') });
  const deadline = Date.now() + 3000;
  while (!seen.has('webhook-2') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  stop = true;
  await traffic;
  agent.destroy();
  assert.ok(seen.has('webhook-1') && seen.has('webhook-2'), [...seen].join(','));
  assert.equal(failures, 0);
  const metrics = (await send(`${url}/metrics`, { ca: ca.caPem, method: 'GET' })).body;
  assert.match(metrics, /^kubeward_tls_reloads_total\{result="applied"\} [1-9]/m);
});

test('a policy that throws is answered 200 with a 500 status that leaks nothing; the server keeps running', async () => {
  const pair = ca.issue('crash');
  const { readFileSync } = await import('node:fs');
  const engine: AdmissionEngine = {
    validate: () => Promise.reject(new Error('secret internal detail')),
    mutate: () => Promise.reject(new Error('secret internal detail')),
  };
  const server = await startWebhookServer({
    engine,
    tls: { cert: readFileSync(pair.certFile), key: readFileSync(pair.keyFile) },
    port: 0,
  });
  try {
    const reply = await send(`${server.url}/validate`, {
      ca: ca.caPem,
      body: JSON.stringify(reviewFor(restrictedPod())),
    });
    assert.equal(reply.status, 200);
    assert.ok(!reply.body.includes('secret internal detail'));
    const { response } = json<{ response: { allowed: boolean; status: { code: number } } }>(reply);
    assert.deepEqual([response.allowed, response.status.code], [false, 500]);
  } finally {
    await server.close();
  }
});

test('graceful shutdown drains requests in flight, then stops accepting', async () => {
  const pair = ca.issue('drain');
  const slow = await startWebhookApp({
    config: parseWebhookConfig({
      server: { listen: '127.0.0.1:0', shutdownGraceSeconds: 5 },
      images: {
        verify: [{ images: ['registry.example.com'], verifier: 'test' }],
        verification: { budgetMs: 2000 },
      },
    }),
    tls: pair,
    resolver: testResolver({}),
    verifiers: [testVerifier({ [DIGEST_A]: { verified: true } }, { delayMs: 1500 })],
  });
  const base = slow.server.url;
  const inflight = Array.from({ length: 5 }, (_, i) =>
    send(`${base}/validate`, {
      ca: ca.caPem,
      body: JSON.stringify(
        reviewFor(restrictedPod(`p${i}`, `registry.example.com/team/app${i}@${DIGEST_A}`)),
      ),
    }),
  );
  // Five new TLS connections can take a while on a busy machine: wait for them (the verifier holds each 1.5 s).
  const deadline = Date.now() + 1200;
  while (slow.server.inFlight() < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  const seen = slow.server.inFlight();
  const closing = slow.close();
  assert.equal(seen, 5);
  const replies = await Promise.all(inflight);
  await closing;
  for (const reply of replies) {
    assert.equal(reply.status, 200);
    assert.equal(json<{ response: { allowed: boolean } }>(reply).response.allowed, true);
  }
  await assert.rejects(send(`${base}/healthz`, { ca: ca.caPem, method: 'GET' }), /ECONNREFUSED/);
});
