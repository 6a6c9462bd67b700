import type { FileAnalyzer } from '../analyzer.js';
import type { FoundPackage } from '../model.js';
import { decodeUtf8, parseStanzas } from './text.js';

/** dpkg states in which a package's files are (at least partly) on disk; `config-files` and `not-installed` are not. */
const PRESENT_STATES = new Set([
  'installed',
  'half-installed',
  'unpacked',
  'half-configured',
  'triggers-awaited',
  'triggers-pending',
]);

/**
 * Debian and Ubuntu: `var/lib/dpkg/status`, and distroless images' one-file-per-package `status.d/`. The
 * source package and its version are kept because Debian security advisories are keyed by source package.
 */
export const dpkgStatusAnalyzer: FileAnalyzer = {
  id: 'dpkg-status',
  version: 1,
  description: 'var/lib/dpkg/status and var/lib/dpkg/status.d/*',
  evidence: 'installed',
  wants: (file) =>
    file.path === 'var/lib/dpkg/status' ||
    (file.path.startsWith('var/lib/dpkg/status.d/') &&
      !file.path.endsWith('.md5sums') &&
      !file.path.slice(22).includes('/')),
  analyze(file) {
    const packages: FoundPackage[] = [];
    for (const stanza of parseStanzas(decodeUtf8(file.content))) {
      const name = stanza.get('Package');
      const version = stanza.get('Version');
      if (!name || !version) continue;
      const state = stanza.get('Status')?.split(/\s+/)[2];
      if (state && !PRESENT_STATES.has(state)) continue;
      const source = parseSource(stanza.get('Source'), name, version);
      const arch = stanza.get('Architecture');
      packages.push({
        kind: 'deb',
        name,
        version,
        ...(arch ? { arch } : {}),
        sourceName: source.name,
        sourceVersion: source.version,
      });
    }
    return { packages };
  },
};

/** `Source: glibc (2.36-9+deb12u4)` names the source and its version when they differ from the binary's. */
export function parseSource(
  field: string | undefined,
  name: string,
  version: string,
): { name: string; version: string } {
  if (!field) return { name, version };
  const match = /^(\S+)(?:\s+\((\S+)\))?/.exec(field.trim());
  return { name: match?.[1] ?? name, version: match?.[2] ?? version };
}
