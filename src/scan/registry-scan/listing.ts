/**
 * Repository and tag listing over the Distribution API: `GET /v2/_catalog` and `GET /v2/<name>/tags/list`, both
 * paginated with `n` and the `Link: <...?last=...>; rel="next"` header. A registry is not trusted to end its
 * pagination, to keep its links on its own paths, or to send sane names: pages, entries and bytes are capped,
 * links that leave the listed path are refused, and names that are not valid repository or tag names (path
 * traversal, URL tricks) are dropped with a warning and never used in a request.
 */
import { RemoteError } from '../../core/errors.js';
import { isRepositoryName, isTagName } from './target.js';

/** The part of the registry client listing needs (RegistryClient.fetchApi). */
export interface ApiReader {
  fetchApi(path: string, what: string, maxBytes: number): Promise<{ body: Buffer; link?: string }>;
}

export interface ListingLimits {
  /** `n` asked per page. */
  pageSize: number;
  maxPages: number;
  maxRepositories: number;
  maxTagsPerRepository: number;
  /** Per page. */
  maxPageBytes: number;
}

export const DEFAULT_LISTING_LIMITS: ListingLimits = {
  pageSize: 500,
  maxPages: 1_000,
  maxRepositories: 100_000,
  maxTagsPerRepository: 10_000,
  maxPageBytes: 4 * 1024 * 1024,
};

/** Invalid names found in one listing; reported once, with a few examples, not once per name. */
export interface Listed {
  names: string[];
  warnings: string[];
}

const MAX_EXAMPLES = 3;

export async function listRepositories(
  api: ApiReader,
  registry: string,
  limits: ListingLimits = DEFAULT_LISTING_LIMITS,
): Promise<Listed> {
  return listPaginated(api, {
    path: '/v2/_catalog',
    what: `catalog of ${registry}`,
    field: 'repositories',
    valid: isRepositoryName,
    kind: 'repository names',
    maxEntries: limits.maxRepositories,
    limits,
  });
}

export async function listTags(
  api: ApiReader,
  registry: string,
  repository: string,
  limits: ListingLimits = DEFAULT_LISTING_LIMITS,
): Promise<Listed> {
  return listPaginated(api, {
    path: `/v2/${repository}/tags/list`,
    what: `tags of ${registry}/${repository}`,
    field: 'tags',
    valid: isTagName,
    kind: 'tag names',
    maxEntries: limits.maxTagsPerRepository,
    limits,
  });
}

interface ListSpec {
  path: string;
  what: string;
  field: 'repositories' | 'tags';
  valid: (name: string) => boolean;
  kind: string;
  maxEntries: number;
  limits: ListingLimits;
}

async function listPaginated(api: ApiReader, spec: ListSpec): Promise<Listed> {
  const seen = new Set<string>();
  const invalid: string[] = [];
  const requested = new Set<string>();
  let next: string | undefined = `${spec.path}?n=${spec.limits.pageSize}`;
  for (let page = 0; next !== undefined; page++) {
    if (page >= spec.limits.maxPages) {
      throw new RemoteError(`${spec.what}: more than ${spec.limits.maxPages} pages; refusing to go on`);
    }
    if (requested.has(next)) throw new RemoteError(`${spec.what}: pagination loops back to ${next}`);
    requested.add(next);
    const { body, link } = await api.fetchApi(next, spec.what, spec.limits.maxPageBytes);
    const entries = entriesOf(body, spec);
    let fresh = 0;
    for (const name of entries) {
      if (seen.has(name)) continue;
      if (!spec.valid(name)) {
        invalid.push(name);
        continue;
      }
      seen.add(name);
      fresh++;
      if (seen.size > spec.maxEntries) {
        throw new RemoteError(`${spec.what}: more than ${spec.maxEntries} entries; refusing to go on`);
      }
    }
    next = nextPage(link, spec, entries, fresh);
  }
  const warnings =
    invalid.length > 0
      ? [
          `${spec.what}: ignored ${invalid.length} invalid ${spec.kind} (${invalid
            .slice(0, MAX_EXAMPLES)
            .map((n) => JSON.stringify(n.slice(0, 80)))
            .join(', ')}${invalid.length > MAX_EXAMPLES ? ', ...' : ''})`,
        ]
      : [];
  return { names: [...seen].sort(), warnings };
}

function entriesOf(body: Buffer, spec: ListSpec): string[] {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new RemoteError(`${spec.what}: the answer is not JSON`);
  }
  const value =
    typeof json === 'object' && json !== null ? (json as Record<string, unknown>)[spec.field] : [];
  // distribution answers `"tags": null` once the last tag of a repository is deleted.
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string')) {
    throw new RemoteError(`${spec.what}: "${spec.field}" is not a list of strings`);
  }
  return value;
}

/**
 * The next page: the Link header when there is one (kept on the listed path, only its query taken), else
 * `last=` after a full page, as registries without Link headers expect. A page that adds nothing new ends the
 * listing (distribution 2.8 ignores `n` on tags/list and answers every tag on every page).
 */
function nextPage(
  link: string | undefined,
  spec: ListSpec,
  entries: string[],
  fresh: number,
): string | undefined {
  if (fresh === 0) return undefined;
  if (link) {
    const target = /<([^>]*)>\s*;[^,]*rel="?next"?/i.exec(link)?.[1];
    if (target === undefined) return undefined;
    let url: URL;
    try {
      url = new URL(target, 'http://registry.invalid');
    } catch {
      throw new RemoteError(`${spec.what}: unusable Link header`);
    }
    if (url.origin !== 'http://registry.invalid' || url.pathname !== spec.path) {
      throw new RemoteError(`${spec.what}: Link header points away from ${spec.path}; refused`);
    }
    return `${url.pathname}${url.search}`;
  }
  const last = entries[entries.length - 1];
  if (entries.length < spec.limits.pageSize || last === undefined) return undefined;
  return `${spec.path}?n=${spec.limits.pageSize}&last=${encodeURIComponent(last)}`;
}
