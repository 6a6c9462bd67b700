import { posix } from 'node:path';

/** Host paths whose exposure hands a container control of the node, its credentials or its runtime. */
const SENSITIVE_HOST_PATHS: readonly { path: string; what: string }[] = [
  { path: '/run/docker.sock', what: 'the Docker socket' },
  { path: '/run/containerd/containerd.sock', what: 'the containerd socket' },
  { path: '/run/crio/crio.sock', what: 'the CRI-O socket' },
  { path: '/run/cri-dockerd.sock', what: 'the cri-dockerd socket' },
  { path: '/etc', what: 'host configuration (/etc)' },
  { path: '/proc', what: 'host process information (/proc)' },
  { path: '/sys', what: 'kernel and device interfaces (/sys)' },
  { path: '/var/lib/kubelet', what: "kubelet state, including other pods' secrets" },
  { path: '/var/lib/docker', what: 'Docker runtime state' },
  { path: '/var/lib/containerd', what: 'containerd runtime state' },
  { path: '/root', what: "root's home directory" },
];

/**
 * Canonical absolute form of a host path: `..` and `.` resolved, duplicate and trailing slashes removed, and
 * `/var/run` folded into `/run` (a symlink on every current distribution), so `/var/run/../run/docker.sock/`
 * and `/var/run/docker.sock` compare equal. A relative path (invalid for hostPath) is read from `/`.
 */
export function normaliseHostPath(path: string): string {
  const normal = posix.normalize(posix.join('/', path.trim()));
  const trimmed = normal.length > 1 ? normal.replace(/\/+$/, '') : normal;
  return trimmed === '/var/run' || trimmed.startsWith('/var/run/') ? trimmed.slice('/var'.length) : trimmed;
}

function isWithin(path: string, parent: string): boolean {
  return path === parent || path.startsWith(`${parent}/`);
}

/**
 * What mounting a host path exposes, phrased for a message, or undefined when it is not sensitive. A path is
 * sensitive when it is, lies under, or contains one of the sensitive paths: mounting `/run` exposes the
 * runtime sockets inside it.
 */
export function hostPathExposure(path: string): string | undefined {
  const normal = normaliseHostPath(path);
  if (normal === '/') return 'exposes the whole host filesystem';
  const inside = SENSITIVE_HOST_PATHS.find((s) => isWithin(normal, s.path));
  if (inside) return `exposes ${inside.what}`;
  const contained = SENSITIVE_HOST_PATHS.filter((s) => isWithin(s.path, normal));
  if (contained.length === 0) return undefined;
  return `contains ${contained.map((s) => s.what).join('; ')}`;
}
