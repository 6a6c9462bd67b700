import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readEventFile } from '../../src/runtime/read-events.js';
import type { SkipCounter } from '../../src/runtime/read-events.js';
import { decodeValue } from '../../src/runtime/decode.js';
import type { AuditEvent } from '../../src/checks/runtime/event.js';
import { AUDIT_FIXTURES } from '../checks/runtime/helpers.js';

async function read(file: string): Promise<{ events: AuditEvent[]; counter: SkipCounter }> {
  const events: AuditEvent[] = [];
  const counter: SkipCounter = { skipped: 0, samples: [] };
  await readEventFile(join(AUDIT_FIXTURES, file), (e) => events.push(e), counter);
  return { events, counter };
}

test('malformed records are counted with where and why, and the good ones still come through', async () => {
  const { events, counter } = await read('malformed.jsonl');
  assert.equal(events.length, 3);
  // Six bad lines; the JSON array holds two non-objects, each counted.
  assert.equal(counter.skipped, 7);
  assert.match(counter.samples[0]!, /malformed\.jsonl:2: not valid JSON/);
  assert.ok(
    counter.samples.some((s) => s.startsWith(`${join(AUDIT_FIXTURES, 'malformed.jsonl')}:5: no auditID`)),
  );
  assert.ok(counter.samples.some((s) => s.includes('no auditID')));
});

test('AKS storage export: the event inside properties.log, other categories skipped', async () => {
  const { events, counter } = await read('aks/kube-audit.json');
  assert.deepEqual(
    events.map((e) => `${e.verb} ${e.objectRef?.resource}`),
    ['create pods', 'create clusterrolebindings', 'get configmaps'],
  );
  assert.equal(counter.skipped, 2);
  assert.ok(counter.samples.some((s) => s.includes('AKS category kube-apiserver')));
  assert.ok(counter.samples.some((s) => s.includes('AKS record log is not JSON')));
});

test('AKS Event Hubs shape {records: [...]}', async () => {
  const { events, counter } = await read('aks/event-hub.json');
  assert.equal(events.length, 2);
  assert.equal(counter.skipped, 0);
});

test('a pretty-printed EventList file is read whole', async () => {
  const { events, counter } = await read('eventlist.json');
  assert.equal(events.length, 3);
  assert.equal(counter.skipped, 0);
});

test('values that are not events are skipped with a reason', () => {
  const reasons: string[] = [];
  const sink = { event: () => assert.fail('not an event'), skip: (r: string) => reasons.push(r) };
  decodeValue({ kind: 'EventList' }, sink);
  decodeValue({ kind: 'Pod', auditID: 'x', verb: 'get' }, sink);
  decodeValue({ auditID: 'x', verb: 'get', sourceIPs: 'nope' }, sink);
  decodeValue(null, sink);
  assert.deepEqual(reasons, [
    'EventList without items',
    'kind Pod',
    'sourceIPs is malformed',
    'not a JSON object',
  ]);
});
