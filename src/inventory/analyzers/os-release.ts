import type { FileAnalyzer, OsCandidate } from '../analyzer.js';
import { decodeUtf8, parseKeyValues } from './text.js';

/** Trust order when several files are present; os-release always wins (see os.ts for symlink handling). */
const PRIORITY: Record<string, number> = {
  'etc/os-release': 100,
  'usr/lib/os-release': 90,
  'etc/alpine-release': 50,
  'etc/debian_version': 40,
  'etc/redhat-release': 30,
};

/** Identifies the distribution from os-release (freedesktop.org) or the older per-distro release files. */
export const osReleaseAnalyzer: FileAnalyzer = {
  id: 'os-release',
  version: 1,
  description: '/etc/os-release, /usr/lib/os-release, alpine-release, debian_version, redhat-release',
  evidence: 'installed',
  maxBytes: 64 * 1024,
  wants: (file) => file.path in PRIORITY,
  analyze(file) {
    const text = decodeUtf8(file.content);
    const priority = PRIORITY[file.path] ?? 0;
    const os = parseOsFile(file.path, text);
    return os ? { os: { ...os, priority } } : { warnings: [`${file.path}: no distribution found`] };
  },
};

function parseOsFile(path: string, text: string): Omit<OsCandidate, 'priority'> | undefined {
  if (path.endsWith('os-release')) {
    const kv = parseKeyValues(text);
    const id = kv.get('ID')?.toLowerCase();
    if (!id) return undefined;
    const idLike = kv.get('ID_LIKE')?.split(/\s+/).filter(Boolean);
    const pick = (key: string): Record<string, string> => {
      const v = kv.get(key);
      return v ? { [keyName(key)]: v } : {};
    };
    return {
      os: {
        id,
        ...pick('VERSION_ID'),
        ...pick('NAME'),
        ...pick('PRETTY_NAME'),
        ...pick('VERSION_CODENAME'),
        ...(idLike && idLike.length > 0 ? { idLike } : {}),
      },
    };
  }
  const line = text.split(/\r?\n/)[0]?.trim() ?? '';
  if (!line) return undefined;
  if (path === 'etc/alpine-release') return { os: { id: 'alpine', versionId: line, name: 'Alpine Linux' } };
  if (path === 'etc/debian_version') {
    // "12.5" on releases, "bookworm/sid" on testing: only the number is a version.
    const major = /^(\d+)/.exec(line)?.[1];
    return {
      os: {
        id: 'debian',
        name: 'Debian GNU/Linux',
        ...(major ? { versionId: major } : { codename: line.split('/')[0] ?? line }),
      },
    };
  }
  const rh = /^(.*?) release ([\d.]+)/.exec(line);
  if (!rh) return undefined;
  const name = rh[1] ?? '';
  const id = /centos/i.test(name)
    ? 'centos'
    : /fedora/i.test(name)
      ? 'fedora'
      : /rocky/i.test(name)
        ? 'rocky'
        : /alma/i.test(name)
          ? 'almalinux'
          : 'rhel';
  return { os: { id, versionId: rh[2] ?? '', name } };
}

function keyName(key: string): 'versionId' | 'name' | 'prettyName' | 'codename' {
  switch (key) {
    case 'VERSION_ID':
      return 'versionId';
    case 'PRETTY_NAME':
      return 'prettyName';
    case 'VERSION_CODENAME':
      return 'codename';
    default:
      return 'name';
  }
}
