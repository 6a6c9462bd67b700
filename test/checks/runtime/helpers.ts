// Test helper: read audit fixture files into events, failing loudly on any record that is not an event.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeLine } from '../../../src/runtime/decode.js';
import type { AuditEvent } from '../../../src/checks/runtime/event.js';

export const AUDIT_FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'audit');

export function readEvents(path: string): AuditEvent[] {
  const events: AuditEvent[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n'))
    decodeLine(line, {
      event: (e) => events.push(e),
      skip: (reason) => {
        throw new Error(`${path}: fixture record is not an event: ${reason}`);
      },
    });
  return events;
}

/** A minimal valid event for table-driven language tests. */
export function event(overrides: Partial<AuditEvent> = {}): AuditEvent {
  return {
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: 'Metadata',
    auditID: 'b2a1c3d4-0000-4000-8000-000000000001',
    stage: 'ResponseComplete',
    requestURI: '/api/v1/namespaces/web/pods/frontend',
    verb: 'get',
    user: { username: 'alice@contoso.com', groups: ['devs', 'system:authenticated'] },
    sourceIPs: ['203.0.113.24'],
    userAgent: 'kubectl/v1.31.2',
    objectRef: { resource: 'pods', namespace: 'web', name: 'frontend', apiVersion: 'v1' },
    responseStatus: { code: 200 },
    requestReceivedTimestamp: '2026-11-28T09:00:00.000000Z',
    stageTimestamp: '2026-11-28T09:00:00.010000Z',
    annotations: { 'authorization.k8s.io/decision': 'allow' },
    ...overrides,
  };
}
