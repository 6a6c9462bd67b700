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
}

export interface FakeApiServer {
  url: string;
  requests: FakeRequest[];
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
