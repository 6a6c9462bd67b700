import type { AuditEvent } from './event.js';
import { parseImageRef } from './image-ref.js';
import type { ImageFacts } from './image-ref.js';

type Json = Record<string, unknown>;

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where each workload resource keeps its pod spec; patches carry no `kind`, so the resource decides. */
const POD_SPEC_PATHS: Record<string, readonly string[]> = {
  pods: ['spec'],
  podtemplates: ['template', 'spec'],
  deployments: ['spec', 'template', 'spec'],
  replicasets: ['spec', 'template', 'spec'],
  statefulsets: ['spec', 'template', 'spec'],
  daemonsets: ['spec', 'template', 'spec'],
  replicationcontrollers: ['spec', 'template', 'spec'],
  jobs: ['spec', 'template', 'spec'],
  cronjobs: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

export const WORKLOAD_RESOURCES: readonly string[] = Object.keys(POD_SPEC_PATHS);

/** Facts about the pod a request creates or changes, the same for a Pod and for any workload template. */
export interface PodFacts {
  hostPID?: unknown;
  hostNetwork?: unknown;
  hostIPC?: unknown;
  serviceAccountName?: unknown;
  volumes?: unknown;
  securityContext?: unknown;
  /** Init, regular and ephemeral containers together: a privileged init container is as dangerous. */
  containers: Json[];
  images: ImageFacts[];
  spec: Json;
}

/**
 * One event plus the facts derived from it, computed on first use and kept for the other rules that ask. Most
 * events never need them, so the derivation costs nothing for them.
 */
export class EventView {
  readonly event: AuditEvent;
  /** Results of macros already evaluated for this event, by macro slot (see MacroCompiler). */
  readonly memo: (boolean | undefined)[] = [];
  private podFacts: PodFacts | null | undefined;
  private queryParams: Record<string, string[]> | undefined;

  constructor(event: AuditEvent) {
    this.event = event;
  }

  pod(): PodFacts | undefined {
    if (this.podFacts === undefined) this.podFacts = derivePod(this.event) ?? null;
    return this.podFacts ?? undefined;
  }

  query(): Record<string, string[]> {
    if (this.queryParams === undefined) this.queryParams = parseQuery(this.event.requestURI);
    return this.queryParams;
  }

  serviceAccount(): { namespace: string; name: string } | undefined {
    return parseServiceAccount(this.event.user?.username);
  }
}

export function parseServiceAccount(
  username: string | undefined,
): { namespace: string; name: string } | undefined {
  if (!username?.startsWith('system:serviceaccount:')) return undefined;
  const rest = username.slice('system:serviceaccount:'.length);
  const colon = rest.indexOf(':');
  if (colon <= 0 || colon === rest.length - 1) return undefined;
  return { namespace: rest.slice(0, colon), name: rest.slice(colon + 1) };
}

function parseQuery(uri: string | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = Object.create(null) as Record<string, string[]>;
  const q = uri?.indexOf('?') ?? -1;
  if (uri === undefined || q === -1) return out;
  for (const [key, value] of new URLSearchParams(uri.slice(q + 1))) (out[key] ??= []).push(value);
  return out;
}

function derivePod(event: AuditEvent): PodFacts | undefined {
  const resource = event.objectRef?.resource;
  if (resource === undefined) return undefined;
  const path = POD_SPEC_PATHS[resource];
  if (!path) return undefined;
  // The request says what the caller asked for; the response (RequestResponse level) what was stored.
  const spec = specAt(event.requestObject, path) ?? specAt(event.responseObject, path);
  if (!spec) return undefined;
  const containers: Json[] = [];
  for (const key of ['initContainers', 'containers', 'ephemeralContainers']) {
    const list = spec[key];
    if (Array.isArray(list)) for (const c of list) if (isRecord(c)) containers.push(c);
  }
  const images: ImageFacts[] = [];
  for (const c of containers) if (typeof c['image'] === 'string') images.push(parseImageRef(c['image']));
  return {
    hostPID: spec['hostPID'],
    hostNetwork: spec['hostNetwork'],
    hostIPC: spec['hostIPC'],
    serviceAccountName: spec['serviceAccountName'],
    volumes: spec['volumes'],
    securityContext: spec['securityContext'],
    containers,
    images,
    spec,
  };
}

function specAt(root: unknown, path: readonly string[]): Json | undefined {
  // pods/ephemeralcontainers and similar subresources send the whole Pod, so `spec` applies there too.
  let cur: unknown = root;
  for (const key of path) {
    if (!isRecord(cur)) return undefined;
    cur = cur[key];
  }
  return isRecord(cur) ? cur : undefined;
}
