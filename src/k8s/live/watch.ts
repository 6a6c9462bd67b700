// List-then-watch for one resource, as client-go's reflector does: list (paginated) to get the objects and a
// resourceVersion, then watch from it with bookmarks; a stream that ends is reopened from the last
// resourceVersion seen (events and bookmarks advance it); `410 Gone` (HTTP, or an ERROR event, after etcd
// compaction) means events were lost, so the resource is listed again and the difference is emitted,
// deletions included. Lines are bounded; malformed and oversized ones are counted and skipped.
import { RemoteError, errorMessage } from '../../core/errors.js';
import type { JsonObject } from '../object.js';
import { isObject } from '../object.js';
import { statusMessage } from './list.js';
import type { LiveResource } from './resources.js';
import { apiVersionOf } from './resources.js';
import { sanitizeObject } from './snapshot.js';
import type { KubeClient } from './watch-transport.js';

export interface WatchedResource extends LiveResource {
  /** Cluster-scoped resources ignore the namespace filter. */
  namespaced: boolean;
}

export type WatchUpdate =
  | { type: 'ADDED' | 'MODIFIED' | 'DELETED'; object: JsonObject }
  /** After every list: the whole current set. `relist` is false for the first list. */
  | { type: 'SYNCED'; objects: JsonObject[]; relist: boolean };

export interface WatchStats {
  lists: number;
  relists: number;
  /**
   * Set while the resource cannot be listed at all (403: the credentials may not; 404: not served here). It
   * counts as synced (empty) so that one forbidden kind does not hold back everything else; retried slowly.
   */
  unavailable?: string;
  events: number;
  bookmarks: number;
  malformed: number;
  oversized: number;
  reconnects: number;
  errors: number;
  resourceVersion?: string;
}

export interface WatchOptions {
  /** Only this namespace (namespaced resources); every namespace when unset. */
  namespace?: string;
  onUpdate(update: WatchUpdate): void;
  onWarning?(message: string): void;
  /** Longest watch event line (bytes); default 4 MiB. */
  maxEventBytes?: number;
  pageSize?: number;
  /** Backoff after errors: doubles from initialMs up to maxMs (with jitter). */
  backoff?: { initialMs: number; maxMs: number };
  /** Server-side watch duration; a random value in [n, 2n) spreads reconnects, as client-go does. */
  timeoutSeconds?: number;
}

export interface ResourceWatch {
  readonly resource: WatchedResource;
  readonly stats: WatchStats;
  /** Resolves after the first successful list. */
  readonly synced: Promise<void>;
  /** Resolves when stopped. */
  readonly done: Promise<void>;
  objects(): JsonObject[];
  stop(): void;
}

const DEFAULT_BACKOFF = { initialMs: 500, maxMs: 30_000 };
const DEFAULT_PAGE_SIZE = 500;
const DEFAULT_WATCH_SECONDS = 300;
const MAX_PAGES = 100_000;

type WatchOutcome =
  { kind: 'ended'; received: number } | { kind: 'gone' } | { kind: 'error'; message: string };

function describe(resource: LiveResource): string {
  return resource.group ? `${resource.resource}.${resource.group}` : resource.resource;
}

class UnavailableError extends RemoteError {}

export function collectionPath(resource: WatchedResource, namespace?: string): string {
  const base = resource.group ? `/apis/${resource.group}/${resource.version}` : `/api/${resource.version}`;
  return namespace && resource.namespaced
    ? `${base}/namespaces/${encodeURIComponent(namespace)}/${resource.resource}`
    : `${base}/${resource.resource}`;
}

export function objectKey(object: JsonObject): string {
  const meta = isObject(object['metadata']) ? object['metadata'] : {};
  return `${String(meta['namespace'] ?? '')}/${String(meta['name'] ?? '')}`;
}

function resourceVersionOf(object: unknown): string | undefined {
  if (!isObject(object) || !isObject(object['metadata'])) return undefined;
  const rv = object['metadata']['resourceVersion'];
  return typeof rv === 'string' && rv ? rv : undefined;
}

export function watchResource(
  client: KubeClient,
  resource: WatchedResource,
  options: WatchOptions,
): ResourceWatch {
  const stats: WatchStats = {
    lists: 0,
    relists: 0,
    events: 0,
    bookmarks: 0,
    malformed: 0,
    oversized: 0,
    reconnects: 0,
    errors: 0,
  };
  const cache = new Map<string, JsonObject>();
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const name = describe(resource);
  const path = collectionPath(resource, options.namespace);
  const apiVersion = apiVersionOf(resource);
  const warn = (message: string) => options.onWarning?.(`${name}: ${message}`);
  let stopped = false;
  // Aborts whatever request is in flight (a list page, a watch still connecting) when stopped.
  const abort = new AbortController();
  let closeStream: (() => void) | undefined;
  let wake: (() => void) | undefined;
  let markSynced: () => void = () => undefined;
  const synced = new Promise<void>((resolve) => (markSynced = resolve));

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (stopped) return resolve();
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const clean = (item: JsonObject) =>
    sanitizeObject(item, apiVersion, resource.kind, Boolean(resource.metadataOnly));

  async function list(): Promise<string> {
    const items: JsonObject[] = [];
    let token: string | undefined;
    let resourceVersion: string | undefined;
    for (let pages = 0; ; pages++) {
      if (pages >= MAX_PAGES) throw new RemoteError(`listing ${name}: more than ${MAX_PAGES} pages`);
      const query: Record<string, string> = { limit: String(options.pageSize ?? DEFAULT_PAGE_SIZE) };
      if (token) query['continue'] = token;
      const response = await client.request('GET', path, { query, signal: abort.signal });
      if (response.status === 410 && token) {
        // The continue token outlived compaction: start the list over.
        items.length = 0;
        token = undefined;
        continue;
      }
      if (response.status === 403 || response.status === 404)
        throw new UnavailableError(
          response.status === 403
            ? `cannot list ${name}: forbidden (${statusMessage(response)})`
            : `cannot list ${name}: not served by this cluster`,
        );
      if (response.status !== 200)
        throw new RemoteError(`listing ${name} failed (${response.status}): ${statusMessage(response)}`);
      let body: unknown;
      try {
        body = JSON.parse(response.body);
      } catch (error) {
        throw new RemoteError(`listing ${name}: not JSON: ${errorMessage(error)}`);
      }
      if (!isObject(body) || !Array.isArray(body['items']))
        throw new RemoteError(`listing ${name}: the answer is not a list`);
      for (const item of body['items']) if (isObject(item)) items.push(clean(item));
      const meta = isObject(body['metadata']) ? body['metadata'] : {};
      if (typeof meta['resourceVersion'] === 'string') resourceVersion = meta['resourceVersion'];
      const next = typeof meta['continue'] === 'string' && meta['continue'] ? meta['continue'] : undefined;
      if (next !== undefined && next === token)
        throw new RemoteError(`listing ${name}: the server repeated a continue token`);
      token = next;
      if (!token) break;
    }
    if (!resourceVersion) throw new RemoteError(`listing ${name}: the list has no resourceVersion`);
    applyList(items);
    return resourceVersion;
  }

  /** Replace the cache with a fresh list and emit the difference (what vanished is a deletion). */
  function applyList(items: JsonObject[]): void {
    const relist = stats.lists > 0;
    stats.lists += 1;
    if (relist) stats.relists += 1;
    const fresh = new Map(items.map((item) => [objectKey(item), item]));
    for (const [key, old] of cache)
      if (!fresh.has(key)) {
        cache.delete(key);
        options.onUpdate({ type: 'DELETED', object: old });
      }
    for (const [key, item] of fresh) {
      const old = cache.get(key);
      cache.set(key, item);
      if (!old) options.onUpdate({ type: 'ADDED', object: item });
      else if (resourceVersionOf(old) !== resourceVersionOf(item))
        options.onUpdate({ type: 'MODIFIED', object: item });
    }
    options.onUpdate({ type: 'SYNCED', objects: [...cache.values()], relist });
  }

  async function watchOnce(resourceVersion: string): Promise<WatchOutcome> {
    const seconds = options.timeoutSeconds ?? DEFAULT_WATCH_SECONDS;
    const timeoutSeconds = String(Math.floor(seconds * (1 + Math.random())));
    let stream;
    try {
      stream = await client.stream(
        path,
        { watch: '1', resourceVersion, allowWatchBookmarks: 'true', timeoutSeconds },
        {
          maxLineBytes: options.maxEventBytes ?? 4 * 1024 * 1024,
          // A bookmark comes about once a minute; twice the watch timeout means the connection is dead.
          idleTimeoutMs: (Number(timeoutSeconds) + 60) * 1000,
          signal: abort.signal,
        },
      );
    } catch (error) {
      return { kind: 'error', message: errorMessage(error) };
    }
    if (stream.status === 410) return { kind: 'gone' };
    if (stream.status !== 200)
      return {
        kind: 'error',
        message: `watch failed (${stream.status}): ${statusMessage({ status: stream.status, body: stream.body ?? '' })}`,
      };
    // stop() may have come while the request was connecting: nothing would end this stream for minutes.
    if (stopped) {
      stream.close();
      return { kind: 'ended', received: 0 };
    }
    closeStream = stream.close;
    let received = 0;
    try {
      for await (const item of stream.lines) {
        if (stopped) break;
        received += 1;
        if (item.kind === 'oversized') {
          stats.oversized += 1;
          warn(`skipped a watch event of ${item.bytes} bytes (limit ${options.maxEventBytes ?? 4194304})`);
          continue;
        }
        const outcome = handleLine(item.text);
        if (outcome) return outcome;
      }
    } catch (error) {
      if (stopped) return { kind: 'ended', received };
      return { kind: 'error', message: errorMessage(error) };
    } finally {
      stream.close();
      closeStream = undefined;
    }
    return { kind: 'ended', received };
  }

  function handleLine(text: string): WatchOutcome | undefined {
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch {
      stats.malformed += 1;
      return undefined;
    }
    if (!isObject(event) || typeof event['type'] !== 'string' || !isObject(event['object'])) {
      stats.malformed += 1;
      return undefined;
    }
    const object = event['object'];
    switch (event['type']) {
      case 'BOOKMARK': {
        const rv = resourceVersionOf(object);
        if (!rv) {
          stats.malformed += 1;
          return undefined;
        }
        stats.bookmarks += 1;
        stats.resourceVersion = rv;
        return undefined;
      }
      case 'ERROR': {
        if (object['code'] === 410) return { kind: 'gone' };
        const message = typeof object['message'] === 'string' ? object['message'] : JSON.stringify(object);
        return { kind: 'error', message: `watch error event: ${message.slice(0, 300)}` };
      }
      case 'ADDED':
      case 'MODIFIED':
      case 'DELETED': {
        const rv = resourceVersionOf(object);
        if (!rv || !isObject(object['metadata']) || typeof object['metadata']['name'] !== 'string') {
          stats.malformed += 1;
          return undefined;
        }
        stats.events += 1;
        stats.resourceVersion = rv;
        const kept = clean(object);
        const key = objectKey(kept);
        if (event['type'] === 'DELETED') {
          cache.delete(key);
          options.onUpdate({ type: 'DELETED', object: kept });
        } else {
          const type = cache.has(key) ? 'MODIFIED' : 'ADDED';
          cache.set(key, kept);
          options.onUpdate({ type, object: kept });
        }
        return undefined;
      }
      default:
        stats.malformed += 1;
        return undefined;
    }
  }

  async function run(): Promise<void> {
    let resourceVersion: string | undefined;
    let delay = backoff.initialMs;
    const pause = async () => {
      await sleep(delay * (0.8 + Math.random() * 0.4));
      delay = Math.min(backoff.maxMs, delay * 2);
    };
    while (!stopped) {
      if (resourceVersion === undefined) {
        try {
          resourceVersion = await list();
          stats.resourceVersion = resourceVersion;
          delete stats.unavailable;
          markSynced();
          delay = backoff.initialMs;
        } catch (error) {
          if (stopped) break;
          stats.errors += 1;
          if (error instanceof UnavailableError) {
            // Said once, not at every retry; the cache keeps what it had (nothing, usually).
            if (stats.unavailable !== error.message) warn(error.message);
            stats.unavailable = error.message;
            markSynced();
            await sleep(backoff.maxMs);
            continue;
          }
          warn(errorMessage(error));
          await pause();
          continue;
        }
      }
      const outcome = await watchOnce(resourceVersion);
      if (stopped) break;
      if (outcome.kind === 'gone') {
        warn('resourceVersion too old (410 Gone): listing again');
        resourceVersion = undefined;
        continue;
      }
      resourceVersion = stats.resourceVersion ?? resourceVersion;
      stats.reconnects += 1;
      if (outcome.kind === 'error') {
        stats.errors += 1;
        warn(outcome.message);
        await pause();
      } else if (outcome.received === 0) {
        // A server that closes every stream at once must not be hammered.
        await pause();
      } else delay = backoff.initialMs;
    }
  }

  const done = run();
  return {
    resource,
    stats,
    synced,
    done,
    objects: () => [...cache.values()],
    stop() {
      stopped = true;
      abort.abort();
      closeStream?.();
      wake?.();
      markSynced();
    },
  };
}
