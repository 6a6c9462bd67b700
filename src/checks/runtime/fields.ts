import type { EventView } from './event-view.js';

/** Reads a field of one event: a scalar, `undefined`, or an array when the path fans out (multi-valued). */
export type Getter = (view: EventView) => unknown;

export type Segment =
  { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'all' } | { kind: 'keys' };

/** A field name that does not exist, said in one line with the closest known name. */
export class FieldError extends Error {}

const EVENT_SCALARS = [
  'auditID',
  'level',
  'stage',
  'requestURI',
  'verb',
  'userAgent',
  'requestReceivedTimestamp',
  'stageTimestamp',
  'kind',
  'apiVersion',
] as const;
const USER_FIELDS = ['username', 'uid', 'groups', 'extra'];
const OBJECT_REF_FIELDS = [
  'resource',
  'namespace',
  'name',
  'uid',
  'apiGroup',
  'apiVersion',
  'resourceVersion',
  'subresource',
];
const STATUS_FIELDS = ['code', 'status', 'reason', 'message'];
const POD_FIELDS = [
  'hostPID',
  'hostNetwork',
  'hostIPC',
  'serviceAccountName',
  'volumes',
  'securityContext',
  'containers',
  'images',
  'spec',
];
/** Roots whose content is free-form: any path below them is valid. */
const OPEN_ROOTS = ['requestObject', 'responseObject', 'annotations', 'query'];

/** Every name a rule may start a field with, for suggestions. */
export const KNOWN_FIELDS: readonly string[] = [
  ...EVENT_SCALARS,
  'sourceIPs',
  ...USER_FIELDS.map((f) => `user.${f}`),
  'user.serviceaccount.namespace',
  'user.serviceaccount.name',
  ...USER_FIELDS.map((f) => `impersonatedUser.${f}`),
  ...OBJECT_REF_FIELDS.map((f) => `objectRef.${f}`),
  ...STATUS_FIELDS.map((f) => `responseStatus.${f}`),
  ...POD_FIELDS.map((f) => `pod.${f}`),
  'pod.images.ref',
  'pod.images.registry',
  'pod.images.repository',
  ...OPEN_ROOTS,
];

export function parseFieldPath(text: string): Segment[] {
  const segments: Segment[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '[') {
      const end = text.indexOf(']', i);
      if (end === -1) throw new FieldError(`field "${text}": unclosed [`);
      let inner = text.slice(i + 1, end);
      if (/^(["']).*\1$/.test(inner)) inner = inner.slice(1, -1);
      if (inner === '*') segments.push({ kind: 'all' });
      else if (/^\d+$/.test(inner)) segments.push({ kind: 'index', index: Number(inner) });
      else if (inner === '') throw new FieldError(`field "${text}": empty []`);
      else segments.push({ kind: 'key', key: inner });
      i = end + 1;
      if (text[i] === '.') i++;
      continue;
    }
    let end = i;
    while (end < text.length && text[end] !== '.' && text[end] !== '[') end++;
    const name = text.slice(i, end);
    if (name === '') throw new FieldError(`field "${text}": empty name`);
    segments.push(
      name === '@keys' ? { kind: 'keys' } : name === '*' ? { kind: 'all' } : { kind: 'key', key: name },
    );
    i = end;
    if (text[i] === '.') {
      i++;
      if (i === text.length) throw new FieldError(`field "${text}": ends with a dot`);
    }
  }
  if (segments.length === 0) throw new FieldError('empty field name');
  return segments;
}

/** Validate a field name and compile it into a getter. Throws FieldError naming the field. */
export function compileField(text: string): Getter {
  const segs = parseFieldPath(text);
  const first = segs[0];
  if (first?.kind !== 'key') throw unknownField(text);
  const root = first.key;
  const rest = segs.slice(1);
  const sub = rest[0]?.kind === 'key' ? rest[0].key : undefined;
  const after = rest.slice(1);

  if ((EVENT_SCALARS as readonly string[]).includes(root)) {
    if (rest.length > 0) throw new FieldError(`field "${text}": ${root} has no subfields`);
    const key = root as (typeof EVENT_SCALARS)[number];
    return (v) => v.event[key];
  }
  switch (root) {
    case 'sourceIPs':
      return rest.length === 0 ? (v) => v.event.sourceIPs : (v) => walk(v.event.sourceIPs, rest);
    case 'user':
    case 'impersonatedUser': {
      if (root === 'user' && sub === 'serviceaccount') {
        const part = after[0]?.kind === 'key' ? after[0].key : undefined;
        if (after.length !== 1 || (part !== 'namespace' && part !== 'name')) throw unknownField(text);
        return (v) => v.serviceAccount()?.[part];
      }
      if (!sub || !USER_FIELDS.includes(sub) || (sub !== 'extra' && sub !== 'groups' && after.length > 0))
        throw unknownField(text);
      if (after.length === 0) {
        if (root === 'user') return (v) => v.event.user?.[sub as 'username'];
        return (v) => v.event.impersonatedUser?.[sub as 'username'];
      }
      return (v) => walk(v.event[root], rest);
    }
    case 'objectRef':
      if (!sub || !OBJECT_REF_FIELDS.includes(sub) || after.length > 0) throw unknownField(text);
      return (v) => v.event.objectRef?.[sub as 'resource'];
    case 'responseStatus':
      if (!sub || !STATUS_FIELDS.includes(sub) || after.length > 0) throw unknownField(text);
      return (v) => v.event.responseStatus?.[sub as 'code'];
    case 'requestObject':
      return rest.length === 0 ? (v) => v.event.requestObject : (v) => walk(v.event.requestObject, rest);
    case 'responseObject':
      return rest.length === 0 ? (v) => v.event.responseObject : (v) => walk(v.event.responseObject, rest);
    case 'annotations':
      if (rest.length !== 1 || !sub) throw new FieldError(`field "${text}": expected annotations[KEY]`);
      return (v) => v.event.annotations?.[sub];
    case 'query':
      if (rest.length !== 1 || !sub) throw new FieldError(`field "${text}": expected query.PARAM`);
      return (v) => v.query()[sub];
    case 'pod': {
      if (!sub || !POD_FIELDS.includes(sub)) throw unknownField(text);
      if (sub === 'images') {
        const part = after[0]?.kind === 'key' ? after[0].key : undefined;
        if (after.length !== 1 || (part !== 'ref' && part !== 'registry' && part !== 'repository'))
          throw new FieldError(`field "${text}": expected pod.images.ref, .registry or .repository`);
        return (v) => v.pod()?.images.map((image) => image[part]);
      }
      return (v) => {
        const pod = v.pod();
        return pod === undefined ? undefined : walk(pod[sub as 'containers'], after);
      };
    }
    default:
      throw unknownField(text);
  }
}

function unknownField(text: string): FieldError {
  const near = closest(text, KNOWN_FIELDS);
  return new FieldError(`unknown field "${text}"${near ? ` (did you mean "${near}"?)` : ''}`);
}

/**
 * Follow a path; arrays met on the way fan out, so `requestObject.spec.containers.image` yields every image.
 * The common case (no array on the way) allocates nothing.
 */
export function walk(root: unknown, segs: readonly Segment[]): unknown {
  let cur = root;
  for (let i = 0; i < segs.length; i++) {
    if (cur === undefined || cur === null) return undefined;
    const seg = segs[i]!;
    if (Array.isArray(cur) && seg.kind !== 'index') {
      const out: unknown[] = [];
      collect(cur, segs, i, out);
      return out;
    }
    cur = step(cur, seg);
  }
  return cur;
}

function step(cur: unknown, seg: Segment): unknown {
  switch (seg.kind) {
    case 'key':
      return typeof cur === 'object' && cur !== null && !Array.isArray(cur)
        ? (cur as Record<string, unknown>)[seg.key]
        : undefined;
    case 'index':
      return Array.isArray(cur) ? cur[seg.index] : undefined;
    case 'all':
      return typeof cur === 'object' && cur !== null ? Object.values(cur) : undefined;
    case 'keys':
      return typeof cur === 'object' && cur !== null && !Array.isArray(cur) ? Object.keys(cur) : undefined;
  }
}

function collect(cur: unknown, segs: readonly Segment[], from: number, out: unknown[]): void {
  for (let i = from; i < segs.length; i++) {
    if (cur === undefined || cur === null) return;
    const seg = segs[i]!;
    if (Array.isArray(cur) && seg.kind !== 'index') {
      const next = seg.kind === 'all' ? i + 1 : i;
      for (const item of cur) collect(item, segs, next, out);
      return;
    }
    cur = step(cur, seg);
  }
  if (cur === undefined || cur === null) return;
  if (Array.isArray(cur)) for (const item of cur) collect(item, segs, segs.length, out);
  else out.push(cur);
}

/** The closest name by edit distance, when close enough to be a typo. */
export function closest(text: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(3, Math.floor(text.length / 3)) + 1;
  for (const name of names) {
    const d = distance(text, name);
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
