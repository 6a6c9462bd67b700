/** The parts of a container image reference that allow-lists match on. */
export interface ImageFacts {
  /** Normalized reference: registry host always present, Docker Hub official images under `library/`. */
  ref: string;
  registry: string;
  /** Registry plus path, without tag or digest, e.g. `docker.io/library/nginx`. */
  repository: string;
}

/**
 * Normalize like the container runtimes do (a first component with a dot, a colon or `localhost` is a
 * registry; otherwise Docker Hub), so that `nginx` cannot slip past an allow-list written as `docker.io/*`.
 */
export function parseImageRef(image: string): ImageFacts {
  const trimmed = image.trim();
  const slash = trimmed.indexOf('/');
  const first = slash === -1 ? '' : trimmed.slice(0, slash);
  const hasRegistry = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost');
  let registry = hasRegistry ? first.toLowerCase() : 'docker.io';
  let rest = hasRegistry ? trimmed.slice(slash + 1) : trimmed;
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = 'docker.io';
  if (registry === 'docker.io' && !rest.includes('/')) rest = `library/${rest}`;
  const at = rest.indexOf('@');
  const withoutDigest = at === -1 ? rest : rest.slice(0, at);
  const colon = withoutDigest.lastIndexOf(':');
  const path = colon === -1 ? withoutDigest : withoutDigest.slice(0, colon);
  return { ref: `${registry}/${rest}`, registry, repository: `${registry}/${path}` };
}
