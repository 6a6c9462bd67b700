import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { Agent, request } from 'undici';
import { startAuditIntake } from '../../src/server/audit-intake.js';
import type { AuditIntake, AuditIntakeOptions } from '../../src/server/audit-intake.js';
import type { AuditEvent } from '../../src/checks/runtime/event.js';
import { createPki } from './test-ca.js';
import { event } from '../checks/runtime/helpers.js';

const pki = createPki();
const intakes: AuditIntake[] = [];
after(async () => {
  for (const i of intakes) await i.close();
});

const trusting = new Agent({ connect: { ca: pki.caPem } });
const withClientCert = new Agent({ connect: { ca: pki.caPem, cert: pki.client.cert, key: pki.client.key } });

async function start(
  options: Partial<AuditIntakeOptions> & Pick<AuditIntakeOptions, 'onEvents'>,
): Promise<AuditIntake> {
  const intake = await startAuditIntake({ cert: pki.server.cert, key: pki.server.key, ...options });
  intakes.push(intake);
  return intake;
}

const batch = (n: number, from = 0): string =>
  JSON.stringify({
    kind: 'EventList',
    apiVersion: 'audit.k8s.io/v1',
    metadata: {},
    items: Array.from({ length: n }, (_, i) => event({ auditID: `id-${from + i}` })),
  });

async function post(url: string, body: string, dispatcher = trusting, headers: Record<string, string> = {}) {
  const res = await request(url, {
    method: 'POST',
    body,
    dispatcher,
    headers: { 'content-type': 'application/json', ...headers },
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: text, headers: res.headers };
}

test('accepts EventList batches over HTTPS and hands the events over in order', async () => {
  const got: string[] = [];
  const intake = await start({ onEvents: async (events) => void got.push(...events.map((e) => e.auditID)) });
  assert.match(intake.url, /^https:\/\/127\.0\.0\.1:\d+\/$/);
  assert.equal((await post(intake.url, batch(3))).status, 200);
  assert.equal((await post(intake.url, batch(2, 3))).status, 200);
  await intake.idle();
  assert.deepEqual(got, ['id-0', 'id-1', 'id-2', 'id-3', 'id-4']);
  assert.equal(intake.stats.batches, 2);
});

test('malformed items are counted and skipped; a body that is not JSON is a 400', async () => {
  const got: AuditEvent[] = [];
  const skipped: string[] = [];
  const intake = await start({ onEvents: async (e) => void got.push(...e), onSkip: (r) => skipped.push(r) });
  const body = JSON.stringify({
    kind: 'EventList',
    items: [event({ auditID: 'ok' }), { verb: 'get' }, 'junk'],
  });
  assert.equal((await post(intake.url, body)).status, 200);
  assert.equal((await post(intake.url, '{"kind":"EventList","items":[')).status, 400);
  await intake.idle();
  assert.equal(got.length, 1);
  assert.equal(intake.stats.skipped, 3);
  assert.deepEqual(skipped, ['no auditID', 'not a JSON object', 'request body is not JSON']);
});

test('a body over the limit is refused with 413', async () => {
  const intake = await start({ onEvents: async () => undefined, maxBodyBytes: 2048 });
  const res = await post(intake.url, batch(20));
  assert.equal(res.status, 413);
  assert.equal(intake.stats.rejectedTooLarge, 1);
  // A chunked body without a length is cut off as it streams in.
  const chunked = await request(intake.url, {
    method: 'POST',
    dispatcher: trusting,
    body: Readable.from(
      (function* () {
        for (let i = 0; i < 10; i++) yield Buffer.from(batch(2));
      })(),
    ),
  }).then(
    async (r) => {
      await r.body.dump();
      return r.statusCode;
    },
    () => 413,
  );
  assert.equal(chunked, 413);
});

test('a full queue answers 429 with Retry-After, and accepts again once drained', async () => {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const got: string[] = [];
  const intake = await start({
    maxQueuedEvents: 5,
    onEvents: async (events) => {
      await gate;
      got.push(...events.map((e) => e.auditID));
    },
  });
  assert.equal((await post(intake.url, batch(4))).status, 200);
  const full = await post(intake.url, batch(4, 4));
  assert.equal(full.status, 429);
  assert.equal(full.headers['retry-after'], '1');
  assert.equal(intake.stats.rejectedFull, 1);
  release();
  await intake.idle();
  assert.equal((await post(intake.url, batch(4, 4))).status, 200);
  await intake.idle();
  assert.deepEqual(got, ['id-0', 'id-1', 'id-2', 'id-3', 'id-4', 'id-5', 'id-6', 'id-7']);
});

test('with a client CA, only callers with a certificate it signed get in; a bearer token is checked too', async () => {
  const got: AuditEvent[] = [];
  const intake = await start({
    clientCa: pki.caPem,
    token: 's3cret',
    onEvents: async (e) => void got.push(...e),
  });
  await assert.rejects(post(intake.url, batch(1), trusting, { authorization: 'Bearer s3cret' }));
  assert.equal((await post(intake.url, batch(1), withClientCert)).status, 401);
  assert.equal(
    (await post(intake.url, batch(1), withClientCert, { authorization: 'Bearer wrong!' })).status,
    401,
  );
  assert.equal(
    (await post(intake.url, batch(1), withClientCert, { authorization: 'Bearer s3cret' })).status,
    200,
  );
  await intake.idle();
  assert.equal(got.length, 1);
});

test('GET /healthz answers; other methods are 405', async () => {
  const intake = await start({ onEvents: async () => undefined });
  const health = await request(new URL('/healthz', intake.url), { dispatcher: trusting });
  assert.equal(health.statusCode, 200);
  await health.body.dump();
  const put = await request(intake.url, { method: 'PUT', body: '{}', dispatcher: trusting });
  assert.equal(put.statusCode, 405);
  await put.body.dump();
});
