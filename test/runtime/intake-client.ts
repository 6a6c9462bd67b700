// Test helper for `runtime serve`: find where it listens, and POST audit events to it as the API server does.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';

/** The URL `runtime serve` prints on stderr once it listens (waits until `deadline`, a Date.now() value). */
export async function listeningUrl(stderr: () => string, deadline: number): Promise<string> {
  while (!/listening on (\S+)/.test(stderr()) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 10));
  const url = /listening on (\S+)/.exec(stderr())?.[1];
  assert.ok(url, stderr());
  return url;
}

/** POSTs the events of a JSON-lines fixture as one EventList over HTTPS; returns how many were sent. */
export async function postEventList(url: string, file: string, caPem: string): Promise<number> {
  const items = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as unknown);
  const res = await request(url, {
    method: 'POST',
    body: JSON.stringify({ kind: 'EventList', apiVersion: 'audit.k8s.io/v1', items }),
    dispatcher: new Agent({ connect: { ca: caPem } }),
  });
  assert.equal(res.statusCode, 200);
  await res.body.dump();
  return items.length;
}
