// Test helper: a small Kubernetes API server stand-in on 127.0.0.1 (free port, HTTP or HTTPS) that answers
// in the real wire format: typed lists (`PodList`, items without apiVersion/kind) with
// `metadata.resourceVersion` and opaque `continue` tokens honouring `limit`, and `Status` objects for errors.
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface FakeList {
  /** e.g. `v1` or `apps/v1`. */
  apiVersion: string;
  /** List kind, e.g. `PodList`. */
  kind: string;
  items: Record<string, unknown>[];
}

export type FakeRoute =
  { type: 'list'; list: FakeList } | { type: 'status'; code: number; reason: string; message: string };

export interface FakeRequest {
  path: string;
  query: Record<string, string>;
  authorization?: string;
}

export interface FakeApiServerOptions {
  /** Collection path (`/api/v1/pods`) -> answer. Unknown paths get a 404 Status. */
  routes: Record<string, FakeRoute>;
  /** HTTPS with this key and certificate (PEM); plain HTTP otherwise. */
  tls?: { key: string; cert: string };
  /** Answer the first continued request of these paths with 410 Gone, as after an etcd compaction. */
  expireContinueOnce?: string[];
  /**
   * Collections served from a mutable store with list and the watch protocol (see FakeCluster): collection
   * path (`/api/v1/pods`) -> list apiVersion and kind. Namespaced paths (`/api/v1/namespaces/N/pods`) filter.
   */
  watchable?: Record<string, { apiVersion: string; kind: string }>;
  /** Serve coordination.k8s.io/v1 Leases: get, create, update with resourceVersion conflicts (409). */
  leases?: boolean;
  /** How a watch from a compacted resourceVersion is refused: an ERROR event (kube-apiserver) or HTTP 410. */
  goneAs?: 'event' | 'http';
}

export interface FakeApiServer {
  url: string;
  requests: FakeRequest[];
  /** The mutable state behind `watchable` collections and Leases. */
  cluster: FakeCluster;
  close(): Promise<void>;
}

const RESOURCE_VERSION = '48213';

/** The `Status` object the API server sends for errors. */
export function statusBody(code: number, reason: string, message: string): Record<string, unknown> {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

export function forbidden(resource: string, group = ''): FakeRoute {
  const what = group ? `${resource}.${group}` : resource;
  return {
    type: 'status',
    code: 403,
    reason: 'Forbidden',
    message: `${what} is forbidden: User "system:serviceaccount:audit:reader" cannot list resource "${resource}" in API group "${group}" at the cluster scope`,
  };
}

function encodeContinue(start: number): string {
  // Real tokens are base64 JSON naming the resourceVersion and the key to start from; clients treat them as opaque.
  return Buffer.from(
    JSON.stringify({ v: 'meta.k8s.io/v1', rv: Number(RESOURCE_VERSION), start: `#${start}` }),
  ).toString('base64');
}

function decodeContinue(token: string): number | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { start?: unknown };
    const start = typeof parsed.start === 'string' ? Number(parsed.start.slice(1)) : NaN;
    return Number.isInteger(start) && start >= 0 ? start : undefined;
  } catch {
    return undefined;
  }
}

export async function startFakeApiServer(options: FakeApiServerOptions): Promise<FakeApiServer> {
  const requests: FakeRequest[] = [];
  const expire = new Set(options.expireContinueOnce ?? []);
  const cluster = new FakeCluster(options.watchable ?? {}, options.goneAs ?? 'event');
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams.entries());
    requests.push({
      path: url.pathname,
      query,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
    });
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (options.leases && cluster.handleLease(req, res, url.pathname)) return;
    if (cluster.handleCollection(res, url.pathname, query)) return;
    const route = options.routes[url.pathname];
    if (!route)
      return send(404, statusBody(404, 'NotFound', 'the server could not find the requested resource'));
    if (route.type === 'status') return send(route.code, statusBody(route.code, route.reason, route.message));
    let start = 0;
    if (query['continue'] !== undefined) {
      if (expire.delete(url.pathname))
        return send(
          410,
          statusBody(
            410,
            'Expired',
            'The provided continue parameter is too old to display a consistent list result.',
          ),
        );
      const decoded = decodeContinue(query['continue']);
      if (decoded === undefined) return send(400, statusBody(400, 'BadRequest', 'continue key is not valid'));
      start = decoded;
    }
    const limit = query['limit'] ? Number(query['limit']) : 0;
    const all = route.list.items;
    const end = limit > 0 ? Math.min(all.length, start + limit) : all.length;
    const metadata: Record<string, unknown> = { resourceVersion: RESOURCE_VERSION };
    if (end < all.length) {
      metadata['continue'] = encodeContinue(end);
      metadata['remainingItemCount'] = all.length - end;
    }
    send(200, {
      kind: route.list.kind,
      apiVersion: route.list.apiVersion,
      metadata,
      items: all.slice(start, end),
    });
  };
  const server = options.tls
    ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, handler)
    : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    cluster,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** A kubeconfig (YAML) for the fake server with a bearer token. */
export function kubeconfigFor(
  server: string,
  options: { caPem?: string; token?: string; contexts?: string[] } = {},
): string {
  const cluster = options.caPem
    ? `certificate-authority-data: ${Buffer.from(options.caPem).toString('base64')}`
    : 'insecure-skip-tls-verify: true';
  const contexts = options.contexts ?? ['fake'];
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `  - name: fake`,
    `    cluster: { server: '${server}', ${cluster} }`,
    'users:',
    `  - name: reader`,
    `    user: { token: ${options.token ?? 'test-token'} }`,
    'contexts:',
    ...contexts.map((c) => `  - name: ${c}\n    context: { cluster: fake, user: reader }`),
    `current-context: ${contexts[0]}`,
    '',
  ].join('\n');
}

type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

interface FakeCollection {
  apiVersion: string;
  kind: string;
  /** namespace/name -> object as stored (with metadata.resourceVersion). */
  objects: Map<string, Record<string, unknown>>;
  log: { rv: number; type: WatchEventType; object: Record<string, unknown> }[];
}

interface FakeWatcher {
  path: string;
  namespace?: string;
  bookmarks: boolean;
  res: http.ServerResponse;
}

const LEASES = /^\/apis\/coordination\.k8s\.io\/v1\/namespaces\/([^/]+)\/leases(?:\/([^/]+))?$/;
const NAMESPACED = /^(\/api\/v1|\/apis\/[^/]+\/[^/]+)\/namespaces\/([^/]+)\/([^/]+)$/;

function metaOf(object: Record<string, unknown>): Record<string, unknown> {
  const meta = object['metadata'];
  return meta && typeof meta === 'object' && !Array.isArray(meta) ? (meta as Record<string, unknown>) : {};
}

function keyOf(object: Record<string, unknown>): string {
  const meta = metaOf(object);
  return `${String(meta['namespace'] ?? '')}/${String(meta['name'] ?? '')}`;
}

/**
 * What stands behind `watchable` collections and Leases: one resourceVersion counter for everything (as etcd's
 * revision), an event log per collection replayed to watches that start from an older resourceVersion, and
 * a compaction floor below which a watch is refused with 410 Gone. Tests change it while clients watch.
 */
export class FakeCluster {
  private rv = 1000;
  private oldest = 0;
  private readonly collections = new Map<string, FakeCollection>();
  private readonly watchers = new Set<FakeWatcher>();
  private readonly leases = new Map<string, Record<string, unknown>>();
  /** Lease writes refused with 409 because the resourceVersion was stale. */
  leaseConflicts = 0;

  constructor(
    watchable: Record<string, { apiVersion: string; kind: string }>,
    private readonly goneAs: 'event' | 'http',
  ) {
    for (const [path, type] of Object.entries(watchable))
      this.collections.set(path, { ...type, objects: new Map(), log: [] });
  }

  get resourceVersion(): string {
    return String(this.rv);
  }

  /** Create or replace an object (items without apiVersion/kind, as in lists); watches get ADDED or MODIFIED. */
  upsert(path: string, object: Record<string, unknown>): Record<string, unknown> {
    const collection = this.collection(path);
    const key = keyOf(object);
    const type: WatchEventType = collection.objects.has(key) ? 'MODIFIED' : 'ADDED';
    const stored = { ...object, metadata: { ...metaOf(object), resourceVersion: String(++this.rv) } };
    collection.objects.set(key, stored);
    this.publish(path, collection, type, stored);
    return stored;
  }

  remove(path: string, namespace: string, name: string): void {
    const collection = this.collection(path);
    const key = `${namespace}/${name}`;
    const old = collection.objects.get(key);
    if (!old) throw new Error(`fake cluster: no ${key} in ${path}`);
    collection.objects.delete(key);
    this.publish(path, collection, 'DELETED', {
      ...old,
      metadata: { ...metaOf(old), resourceVersion: String(++this.rv) },
    });
  }

  /** Change an object without telling watches (as if its event was lost to compaction). */
  removeSilently(path: string, namespace: string, name: string): void {
    this.collection(path).objects.delete(`${namespace}/${name}`);
    this.rv += 1;
  }

  /** Forget the event history: watches from any earlier resourceVersion get 410 Gone. */
  compact(): void {
    this.oldest = this.rv;
    for (const collection of this.collections.values()) collection.log = [];
  }

  /** A BOOKMARK at the current resourceVersion to every watch of `path` that asked for bookmarks. */
  bookmark(path: string): void {
    const c = this.collection(path);
    this.rv += 1;
    for (const w of this.watchers)
      if (w.path === path && w.bookmarks)
        this.write(w, {
          type: 'BOOKMARK',
          object: {
            kind: c.kind.replace(/List$/, ''),
            apiVersion: c.apiVersion,
            metadata: { resourceVersion: String(this.rv) },
          },
        });
  }

  /** Write a raw line (malformed input) to every watch of `path`. */
  sendRaw(path: string, text: string): void {
    for (const w of this.watchers) if (w.path === path) w.res.write(text);
  }

  /** End every open watch stream, as an API server does at its timeout or on restart. */
  closeWatches(): void {
    for (const w of this.watchers) w.res.end();
    this.watchers.clear();
  }

  openWatches(path: string): number {
    return [...this.watchers].filter((w) => w.path === path).length;
  }

  /** Resolves once `count` watches of `path` are open. */
  async waitForWatches(path: string, count = 1, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.openWatches(path) < count) {
      if (Date.now() > deadline) throw new Error(`fake cluster: no watch on ${path} after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  lease(namespace: string, name: string): Record<string, unknown> | undefined {
    return this.leases.get(`${namespace}/${name}`);
  }

  /** Serves list and watch of a `watchable` collection; false when the path is not one. */
  handleCollection(res: http.ServerResponse, pathname: string, query: Record<string, string>): boolean {
    let path = pathname;
    let namespace: string | undefined;
    if (!this.collections.has(path)) {
      const m = NAMESPACED.exec(pathname);
      if (!m || !this.collections.has(`${m[1]}/${m[3]}`)) return false;
      path = `${m[1]}/${m[3]}`;
      namespace = decodeURIComponent(m[2] ?? '');
    }
    const c = this.collection(path);
    const inScope = (o: Record<string, unknown>) =>
      namespace === undefined || metaOf(o)['namespace'] === namespace;
    if (query['watch'] !== '1' && query['watch'] !== 'true') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: c.kind,
          apiVersion: c.apiVersion,
          metadata: { resourceVersion: String(this.rv) },
          items: [...c.objects.values()].filter(inScope),
        }),
      );
      return true;
    }
    const from = query['resourceVersion'];
    const since = from && from !== '0' ? Number(from) : undefined;
    if (since !== undefined && since < this.oldest && this.goneAs === 'http') {
      res.writeHead(410, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify(statusBody(410, 'Expired', `too old resource version: ${since} (${this.oldest})`)),
      );
      return true;
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
    // kube-apiserver sends the headers at once; Node would hold them back until the first event.
    res.flushHeaders();
    const watcher: FakeWatcher = {
      path,
      bookmarks: query['allowWatchBookmarks'] === 'true',
      res,
      ...(namespace !== undefined ? { namespace } : {}),
    };
    if (since !== undefined && since < this.oldest) {
      // kube-apiserver answers 200 and sends the 410 as an ERROR event, then ends the stream.
      this.write(watcher, {
        type: 'ERROR',
        object: statusBody(410, 'Expired', `too old resource version: ${since} (${this.oldest})`),
      });
      res.end();
      return true;
    }
    if (since === undefined)
      for (const o of [...c.objects.values()].filter(inScope)) this.write(watcher, this.event(c, 'ADDED', o));
    else
      for (const e of c.log)
        if (e.rv > since && inScope(e.object)) this.write(watcher, this.event(c, e.type, e.object));
    this.watchers.add(watcher);
    const seconds = Number(query['timeoutSeconds'] ?? '0');
    const timer = seconds > 0 ? setTimeout(() => res.end(), seconds * 1000) : undefined;
    res.on('close', () => {
      if (timer) clearTimeout(timer);
      this.watchers.delete(watcher);
    });
    return true;
  }

  /** Serves Lease get/create/update; false when the path is not a Lease path. */
  handleLease(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): boolean {
    const m = LEASES.exec(pathname);
    if (!m) return false;
    const namespace = decodeURIComponent(m[1] ?? '');
    const name = m[2] ? decodeURIComponent(m[2]) : undefined;
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const key = (n: string) => `${namespace}/${n}`;
      let body: Record<string, unknown> = {};
      if (chunks.length > 0) {
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        } catch {
          return send(400, statusBody(400, 'BadRequest', 'the body is not JSON'));
        }
      }
      const stored = (lease: Record<string, unknown>, n: string) => ({
        ...lease,
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { ...metaOf(lease), name: n, namespace, resourceVersion: String(++this.rv) },
      });
      const notFound = (n: string) =>
        statusBody(404, 'NotFound', `leases.coordination.k8s.io "${n}" not found`);
      if (req.method === 'GET' && name) {
        const lease = this.leases.get(key(name));
        return lease ? send(200, lease) : send(404, notFound(name));
      }
      if (req.method === 'POST' && !name) {
        const n = String(metaOf(body)['name'] ?? '');
        if (!n) return send(422, statusBody(422, 'Invalid', 'metadata.name: Required value'));
        if (this.leases.has(key(n)))
          return send(
            409,
            statusBody(409, 'AlreadyExists', `leases.coordination.k8s.io "${n}" already exists`),
          );
        const lease = stored(body, n);
        this.leases.set(key(n), lease);
        return send(201, lease);
      }
      if (req.method === 'PUT' && name) {
        const current = this.leases.get(key(name));
        if (!current) return send(404, notFound(name));
        if (metaOf(body)['resourceVersion'] !== metaOf(current)['resourceVersion']) {
          this.leaseConflicts += 1;
          return send(
            409,
            statusBody(
              409,
              'Conflict',
              `Operation cannot be fulfilled on leases.coordination.k8s.io "${name}": the object has been modified; please apply your changes to the latest version and try again`,
            ),
          );
        }
        const lease = stored(body, name);
        this.leases.set(key(name), lease);
        return send(200, lease);
      }
      return send(405, statusBody(405, 'MethodNotAllowed', `${req.method ?? ''} is not allowed here`));
    });
    return true;
  }

  private collection(path: string): FakeCollection {
    const c = this.collections.get(path);
    if (!c) throw new Error(`fake cluster: ${path} is not a watchable collection`);
    return c;
  }

  private event(c: FakeCollection, type: WatchEventType, object: Record<string, unknown>) {
    // Watch events carry apiVersion and kind on the object, unlike list items.
    return { type, object: { apiVersion: c.apiVersion, kind: c.kind.replace(/List$/, ''), ...object } };
  }

  private publish(
    path: string,
    c: FakeCollection,
    type: WatchEventType,
    object: Record<string, unknown>,
  ): void {
    c.log.push({ rv: this.rv, type, object });
    for (const w of this.watchers)
      if (w.path === path && (w.namespace === undefined || metaOf(object)['namespace'] === w.namespace))
        this.write(w, this.event(c, type, object));
  }

  private write(w: FakeWatcher, event: unknown): void {
    w.res.write(`${JSON.stringify(event)}\n`);
  }
}
