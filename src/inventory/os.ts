import type { Overlay } from '../image/layers/overlay.js';
import type { FileResult } from './file-results.js';
import type { OsInfo } from './model.js';

/**
 * The distribution of the final file system. `/etc/os-release` is looked up through symlinks inside the root
 * (usrmerge images point it at `../usr/lib/os-release`), then `/usr/lib/os-release`, then the best other hint.
 */
export function detectOs(
  visible: readonly FileResult[],
  overlay: Pick<Overlay, 'resolve'> | undefined,
): OsInfo | undefined {
  const candidates = visible.filter((r) => r.os);
  if (candidates.length === 0) return undefined;
  for (const wanted of ['etc/os-release', 'usr/lib/os-release']) {
    const real = overlay?.resolve(wanted) ?? wanted;
    const hit = candidates.find((r) => r.path === real);
    if (hit?.os) return withFallbackVersion(hit.os.os, candidates);
  }
  const best = [...candidates].sort((a, b) => (b.os?.priority ?? 0) - (a.os?.priority ?? 0))[0];
  return best?.os?.os;
}

/** Debian testing has no VERSION_ID in os-release; debian_version may still carry one. */
function withFallbackVersion(os: OsInfo, candidates: readonly FileResult[]): OsInfo {
  if (os.versionId) return os;
  const other = candidates.find((c) => c.os && c.os.os.id === os.id && c.os.os.versionId);
  return other?.os?.os.versionId ? { ...os, versionId: other.os.os.versionId } : os;
}
