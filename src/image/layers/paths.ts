/**
 * Paths inside an image are kept relative to the root, without a leading slash, cleaned of `.` and `..`
 * (`./usr//lib/../bin` -> `usr/bin`). A path that climbs above the root is hostile and gives undefined.
 */
export function cleanImagePath(raw: string): string | undefined {
  if (raw.includes('\0')) return undefined;
  const out: string[] = [];
  for (const part of raw.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return undefined;
      out.pop();
      continue;
    }
    out.push(part);
  }
  return out.join('/');
}

export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** `a/b/c` -> [`a`, `a/b`, `a/b/c`]. */
export function prefixesOf(path: string): string[] {
  const out: string[] = [];
  let at = path.indexOf('/');
  while (at >= 0) {
    out.push(path.slice(0, at));
    at = path.indexOf('/', at + 1);
  }
  if (path) out.push(path);
  return out;
}

const MAX_SYMLINK_HOPS = 40;

/**
 * Resolve `path` through the image's symbolic links as the kernel would with the image root as `/`: absolute
 * targets restart at the image root and `..` stops at it, so no link can point outside. Gives undefined for a
 * loop (more than 40 links, as Linux's ELOOP).
 */
export function resolveInRoot(
  path: string,
  readlink: (path: string) => string | undefined,
): string | undefined {
  let pending = (cleanImagePath(path) ?? '').split('/').filter(Boolean);
  const done: string[] = [];
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '.') continue;
    if (part === '..') {
      done.pop();
      continue;
    }
    const candidate = [...done, part].join('/');
    const target = readlink(candidate);
    if (target === undefined) {
      done.push(part);
      continue;
    }
    if (++hops > MAX_SYMLINK_HOPS) return undefined;
    const targetParts = target.split('/').filter((p) => p !== '');
    if (target.startsWith('/')) done.length = 0;
    pending = [...targetParts, ...pending];
  }
  return done.join('/');
}
