import { globToRegExp } from '../../core/glob.js';

/** The parts of a container image reference that checks reason about. */
export interface ImageReference {
  /** Registry host (with port), lower case; every Docker Hub alias becomes `docker.io`. */
  registry: string;
  /** Repository path inside the registry; Docker Hub official images get their implicit `library/`. */
  repository: string;
  tag?: string;
  digest?: string;
}

const DOCKER_HUB = 'docker.io';
const DOCKER_HUB_ALIASES = new Set([
  DOCKER_HUB,
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com',
]);

/**
 * Split an image reference the way the container runtime does (distribution/reference): the first path
 * component is a registry only when it looks like a host (has `.` or `:`, is `localhost`, or has upper case);
 * otherwise the image comes from Docker Hub.
 */
export function parseImageReference(image: string): ImageReference | undefined {
  const text = image.trim();
  if (!text) return undefined;
  const at = text.indexOf('@');
  const nameAndTag = at === -1 ? text : text.slice(0, at);
  const digest = at === -1 ? '' : text.slice(at + 1);
  const colon = nameAndTag.lastIndexOf(':');
  const hasTag = colon > nameAndTag.lastIndexOf('/');
  const name = hasTag ? nameAndTag.slice(0, colon) : nameAndTag;
  const tag = hasTag ? nameAndTag.slice(colon + 1) : '';
  if (!name) return undefined;

  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  const firstIsHost =
    first !== '' && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase());
  const registry = normaliseRegistryHost(firstIsHost ? first : DOCKER_HUB);
  let repository = firstIsHost ? name.slice(slash + 1) : name;
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;

  return { registry, repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

function normaliseRegistryHost(host: string): string {
  const lower = host.toLowerCase();
  return DOCKER_HUB_ALIASES.has(lower) ? DOCKER_HUB : lower;
}

/** `https://Index.Docker.io/library/` -> `docker.io/library`: the form allow-list entries are compared in. */
export function normaliseRegistryPattern(entry: string): string {
  const trimmed = entry
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/\/+$/, '');
  const slash = trimmed.indexOf('/');
  const host = slash === -1 ? trimmed : trimmed.slice(0, slash);
  const path = slash === -1 ? '' : trimmed.slice(slash);
  return normaliseRegistryHost(host) + path;
}

/**
 * True when an allow-list entry (a host or host/path prefix, with `*` and `?` globs) covers the image.
 * Globs are matched one path segment at a time so `*.azurecr.io` can never match `evil.com/x.azurecr.io`.
 */
export function isAllowedImage(ref: ImageReference, allowed: readonly string[]): boolean {
  const segments = [ref.registry, ...ref.repository.split('/')];
  return allowed.some((entry) => {
    const pattern = normaliseRegistryPattern(entry).split('/');
    if (pattern.length === 0 || pattern.length > segments.length) return false;
    return pattern.every((glob, i) => globToRegExp(glob).test(segments[i] ?? ''));
  });
}

/** `registry/repository`, the form shown in messages. */
export function imageName(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}`;
}
