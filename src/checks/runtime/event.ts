/**
 * The audit.k8s.io/v1 Event as the API server writes it. Only the fields the rules read are typed; the rest
 * stays `unknown`, because events come from files and the network and are treated as hostile.
 */
export interface AuditUser {
  username?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

export interface AuditObjectRef {
  resource?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiGroup?: string;
  apiVersion?: string;
  resourceVersion?: string;
  subresource?: string;
}

export interface AuditEvent {
  kind?: string;
  apiVersion?: string;
  level?: string;
  auditID: string;
  stage?: string;
  requestURI?: string;
  verb: string;
  user?: AuditUser;
  impersonatedUser?: AuditUser;
  sourceIPs?: string[];
  userAgent?: string;
  objectRef?: AuditObjectRef;
  responseStatus?: { code?: number; status?: string; reason?: string; message?: string };
  requestObject?: unknown;
  responseObject?: unknown;
  requestReceivedTimestamp?: string;
  stageTimestamp?: string;
  annotations?: Record<string, string>;
}

/** An input record either is an audit event or says why not; bad records are counted, never fatal. */
export type EventCheck = { ok: true; event: AuditEvent } | { ok: false; reason: string };

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const optString = (v: unknown): boolean => v === undefined || typeof v === 'string';
const optStringArray = (v: unknown): boolean =>
  v === undefined || (Array.isArray(v) && v.every((x) => typeof x === 'string'));

function checkUser(v: unknown): boolean {
  if (v === undefined) return true;
  return isRecord(v) && optString(v['username']) && optString(v['uid']) && optStringArray(v['groups']);
}

/**
 * Shape check of one decoded record. Hand-written rather than a schema library because it runs on every
 * event at six figures per second; it checks exactly the fields that rules read with a fixed type.
 */
export function toAuditEvent(value: unknown): EventCheck {
  if (!isRecord(value)) return { ok: false, reason: 'not a JSON object' };
  if (typeof value['auditID'] !== 'string' || value['auditID'] === '')
    return { ok: false, reason: 'no auditID' };
  if (typeof value['verb'] !== 'string') return { ok: false, reason: 'no verb' };
  if (value['kind'] !== undefined && value['kind'] !== 'Event')
    return { ok: false, reason: `kind ${String(value['kind'])}` };
  if (!optString(value['stage']) || !optString(value['requestURI']) || !optString(value['userAgent']))
    return { ok: false, reason: 'stage, requestURI or userAgent is not a string' };
  if (!checkUser(value['user']) || !checkUser(value['impersonatedUser']))
    return { ok: false, reason: 'user is malformed' };
  if (!optStringArray(value['sourceIPs'])) return { ok: false, reason: 'sourceIPs is malformed' };
  const ref = value['objectRef'];
  if (ref !== undefined) {
    if (!isRecord(ref)) return { ok: false, reason: 'objectRef is not an object' };
    for (const key of ['resource', 'namespace', 'name', 'apiGroup', 'apiVersion', 'subresource'])
      if (!optString(ref[key])) return { ok: false, reason: `objectRef.${key} is not a string` };
  }
  const status = value['responseStatus'];
  if (
    status !== undefined &&
    (!isRecord(status) || (status['code'] !== undefined && typeof status['code'] !== 'number'))
  )
    return { ok: false, reason: 'responseStatus is malformed' };
  const annotations = value['annotations'];
  if (annotations !== undefined && !isRecord(annotations))
    return { ok: false, reason: 'annotations is not an object' };
  // The checks above establish every typed field of AuditEvent.
  return { ok: true, event: value as unknown as AuditEvent };
}
