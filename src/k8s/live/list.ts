// Paginated listing (`limit` + `continue`, as kubectl does). A resource the credentials may not list (403)
// or the server does not serve (404) becomes a warning; a rejected login or a broken server stops the run.
import { RemoteError, errorMessage } from '../../core/errors.js';
import { isObject } from '../object.js';
import type { JsonObject } from '../object.js';
import type { ApiConnection, ApiResponse } from './connection.js';
import type { LiveResource } from './resources.js';
import { listPath } from './resources.js';

export interface ResourceList {
  resource: LiveResource;
  items: JsonObject[];
  /** resourceVersion of the (last page of the) list. */
  resourceVersion?: string;
  pages: number;
}

export interface ListOptions {
  /** Items per page (`limit`); the API server may return fewer. */
  pageSize?: number;
  /** Resources listed at the same time. */
  concurrency?: number;
}

export interface ListOutcome {
  lists: ResourceList[];
  warnings: string[];
}

const DEFAULT_PAGE_SIZE = 500;
const DEFAULT_CONCURRENCY = 4;
const MAX_PAGES = 100_000;

/** The `message` of a Kubernetes `Status` body, or the start of whatever else came back. */
export function statusMessage(response: ApiResponse): string {
  try {
    const body: unknown = JSON.parse(response.body);
    if (isObject(body) && typeof body['message'] === 'string') return body['message'];
  } catch {
    // not JSON: fall through
  }
  return response.body.slice(0, 200).trim() || `HTTP ${response.status}`;
}

function describe(resource: LiveResource): string {
  return resource.group ? `${resource.resource}.${resource.group}` : resource.resource;
}

type PageResult = { kind: 'done'; list: ResourceList } | { kind: 'warning'; message: string };

async function listOne(conn: ApiConnection, resource: LiveResource, pageSize: number): Promise<PageResult> {
  let restarted = false;
  for (;;) {
    const items: JsonObject[] = [];
    let token: string | undefined;
    let resourceVersion: string | undefined;
    let pages = 0;
    let expired = false;
    do {
      const query: Record<string, string> = { limit: String(pageSize) };
      if (token) query['continue'] = token;
      const response = await conn.get(listPath(resource), query);
      const name = describe(resource);
      if (response.status === 403)
        return { kind: 'warning', message: `cannot list ${name}: forbidden (${statusMessage(response)})` };
      if (response.status === 404)
        return { kind: 'warning', message: `cannot list ${name}: not served by this cluster` };
      if (response.status === 410 && token) {
        expired = true; // the continue token outlived etcd compaction: the list must start over
        break;
      }
      if (response.status === 401)
        throw new RemoteError(`${conn.server}: credentials rejected (401): ${statusMessage(response)}`);
      if (response.status < 200 || response.status > 299)
        throw new RemoteError(
          `${conn.server}: listing ${name} failed (${response.status}): ${statusMessage(response)}`,
        );
      let body: unknown;
      try {
        body = JSON.parse(response.body);
      } catch (error) {
        throw new RemoteError(`${conn.server}: listing ${name}: not JSON: ${errorMessage(error)}`);
      }
      if (!isObject(body) || !Array.isArray(body['items']))
        throw new RemoteError(`${conn.server}: listing ${name}: the answer is not a list`);
      for (const item of body['items']) if (isObject(item)) items.push(item);
      const meta = isObject(body['metadata']) ? body['metadata'] : {};
      if (typeof meta['resourceVersion'] === 'string') resourceVersion = meta['resourceVersion'];
      const next = typeof meta['continue'] === 'string' && meta['continue'] ? meta['continue'] : undefined;
      if (next !== undefined && next === token)
        throw new RemoteError(`${conn.server}: listing ${name}: the server repeated a continue token`);
      token = next;
      pages += 1;
      if (pages > MAX_PAGES)
        throw new RemoteError(`${conn.server}: listing ${name}: more than ${MAX_PAGES} pages`);
    } while (token);
    if (!expired) {
      return {
        kind: 'done',
        list: { resource, items, pages, ...(resourceVersion !== undefined ? { resourceVersion } : {}) },
      };
    }
    if (restarted)
      return {
        kind: 'warning',
        message: `cannot list ${describe(resource)}: the list expired twice while paging`,
      };
    restarted = true;
  }
}

/** List every resource, a few at a time; results keep the order of `resources`. */
export async function listResources(
  conn: ApiConnection,
  resources: readonly LiveResource[],
  options: ListOptions = {},
): Promise<ListOutcome> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const results: PageResult[] = new Array<PageResult>(resources.length);
  let next = 0;
  const worker = async () => {
    while (next < resources.length) {
      const index = next++;
      const resource = resources[index];
      if (resource) results[index] = await listOne(conn, resource, pageSize);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, resources.length));
  await Promise.all(Array.from({ length: workers }, worker));
  const outcome: ListOutcome = { lists: [], warnings: [] };
  for (const result of results) {
    if (result?.kind === 'done') outcome.lists.push(result.list);
    else if (result) outcome.warnings.push(result.message);
  }
  return outcome;
}
