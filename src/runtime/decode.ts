import { toAuditEvent } from '../checks/runtime/event.js';
import type { AuditEvent } from '../checks/runtime/event.js';

/** Receives what one input record held: events, and a reason for each record that was not one. */
export interface DecodeSink {
  event(event: AuditEvent): void;
  skip(reason: string): void;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * One decoded JSON value from any supported input: an audit Event, an EventList (the webhook backend's batch,
 * or a saved file), an AKS diagnostic record whose `properties.log` holds the event as a JSON string (storage
 * export), or `{records: [...]}` (Event Hubs export). Anything else is skipped with a reason.
 */
export function decodeValue(value: unknown, sink: DecodeSink): void {
  if (Array.isArray(value)) {
    for (const item of value) decodeValue(item, sink);
    return;
  }
  if (!isRecord(value)) {
    sink.skip('not a JSON object');
    return;
  }
  if (value['kind'] === 'EventList') {
    const items = value['items'];
    if (!Array.isArray(items)) sink.skip('EventList without items');
    else for (const item of items) decodeEvent(item, sink);
    return;
  }
  if (Array.isArray(value['records']) && value['auditID'] === undefined) {
    for (const record of value['records']) decodeValue(record, sink);
    return;
  }
  const properties = value['properties'];
  if (isRecord(properties) && 'log' in properties && value['auditID'] === undefined) {
    decodeAksLog(value['category'], properties['log'], sink);
    return;
  }
  decodeEvent(value, sink);
}

function decodeAksLog(category: unknown, log: unknown, sink: DecodeSink): void {
  if (typeof category === 'string' && category !== 'kube-audit' && category !== 'kube-audit-admin') {
    // Other AKS categories (kube-apiserver, guard, ...) share the export; they are not audit events.
    sink.skip(`AKS category ${category}`);
    return;
  }
  if (isRecord(log)) {
    decodeEvent(log, sink);
    return;
  }
  if (typeof log !== 'string') {
    sink.skip('AKS record without a log string');
    return;
  }
  let inner: unknown;
  try {
    inner = JSON.parse(log);
  } catch {
    sink.skip('AKS record log is not JSON');
    return;
  }
  decodeEvent(inner, sink);
}

function decodeEvent(value: unknown, sink: DecodeSink): void {
  const checked = toAuditEvent(value);
  if (checked.ok) sink.event(checked.event);
  else sink.skip(checked.reason);
}

/** One line of a JSON-lines input. Blank lines are not records and are not counted. */
export function decodeLine(line: string, sink: DecodeSink): void {
  let start = 0;
  while (start < line.length && (line.charCodeAt(start) <= 32 || line.charCodeAt(start) === 0xfeff)) start++;
  if (start === line.length) return;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    sink.skip('not valid JSON');
    return;
  }
  decodeValue(value, sink);
}
