import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createThrottle } from '../../src/runtime/throttle.js';
import { webhookNotifier } from '../../src/runtime/sinks.js';
import type { RuntimeAlert } from '../../src/checks/runtime/detector.js';

const alert = (over: Partial<RuntimeAlert> = {}): RuntimeAlert => ({
  rule: 'pod-exec',
  priority: 'medium',
  auditID: 'a1',
  user: 'mallory@contoso.com',
  verb: 'create',
  resource: 'pods',
  namespace: 'web',
  name: 'frontend',
  message: 'mallory ran exec',
  subresource: 'exec',
  time: '2026-11-28T09:00:00Z',
  sourceIPs: ['203.0.113.24'],
  userAgent: 'kubectl',
  tags: ['T1609'],
  ...over,
});

test('dedup: the same rule, user and object within the window is one notification; the count rides on the next', () => {
  let now = 0;
  const throttle = createThrottle({ dedupWindowMs: 60_000, perMinute: 100, now: () => now });
  assert.deepEqual(throttle(alert()), { alert: alert(), suppressed: 0 });
  now = 10_000;
  assert.equal(throttle(alert({ auditID: 'a2' })), undefined);
  assert.equal(throttle(alert({ auditID: 'a3' })), undefined);
  // another object or another user is another notification
  assert.equal(throttle(alert({ name: 'backend' }))?.suppressed, 2);
  assert.equal(throttle(alert({ user: 'bob@contoso.com' }))?.suppressed, 0);
  now = 70_000;
  assert.equal(throttle(alert({ auditID: 'a4' }))?.suppressed, 0);
});

test('rate limit: at most N per rule and user per minute, refilled over time', () => {
  let now = 0;
  const throttle = createThrottle({ dedupWindowMs: 0, perMinute: 3, now: () => now });
  const sent = Array.from({ length: 10 }, (_, i) => throttle(alert({ name: `pod-${i}` }))).filter(Boolean);
  assert.equal(sent.length, 3);
  assert.ok(throttle(alert({ rule: 'pod-port-forward', name: 'x' })), 'another rule has its own budget');
  now = 20_000; // one token back
  const next = throttle(alert({ name: 'pod-99' }));
  assert.equal(next?.suppressed, 7);
  assert.equal(throttle(alert({ name: 'pod-100' })), undefined);
});

const received: { body: Record<string, unknown>; headers: Record<string, unknown> }[] = [];
let failNext = 0;
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    if (failNext > 0) {
      failNext--;
      res.writeHead(503).end();
      return;
    }
    received.push({
      body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>,
      headers: req.headers,
    });
    res.writeHead(204).end();
  });
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
after(() => server.close());

test('webhook: a generic flat JSON body, custom headers, retries on 5xx', async () => {
  received.length = 0;
  failNext = 2;
  const errors: string[] = [];
  const hook = webhookNotifier(
    { url, headers: { authorization: 'Bearer t' }, backoffMs: 5, onError: (m) => errors.push(m) },
    () => 'Exec or attach into a pod',
  );
  hook.notify({ alert: alert(), suppressed: 4 });
  await hook.close();
  assert.equal(hook.stats.sent, 1);
  assert.deepEqual(errors, []);
  const [{ body, headers }] = received as [(typeof received)[0]];
  assert.equal(headers['authorization'], 'Bearer t');
  assert.equal(body['kind'], 'kubeward.runtime.alert');
  assert.equal(body['rule'], 'pod-exec');
  assert.equal(body['title'], 'Exec or attach into a pod');
  assert.equal(body['suppressed'], 4);
  assert.equal(body['text'], '[medium] pod-exec: mallory ran exec (+4 similar)');
});

test('webhook: a bounded queue drops the oldest, and an unreachable receiver never throws', async () => {
  const errors: string[] = [];
  const hook = webhookNotifier({
    url: 'http://127.0.0.1:9/none',
    maxQueue: 2,
    retries: 0,
    onError: (m) => errors.push(m),
  });
  for (let i = 0; i < 5; i++) hook.notify({ alert: alert({ auditID: `x${i}` }), suppressed: 0 });
  await hook.close();
  assert.equal(hook.stats.dropped, 2);
  assert.equal(hook.stats.failed, 3);
  assert.equal(errors.length, 3);
});
