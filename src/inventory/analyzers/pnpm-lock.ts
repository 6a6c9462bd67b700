import { parse as parseYaml } from 'yaml';
import type { FileAnalyzer } from '../analyzer.js';
import type { FoundPackage } from '../model.js';
import { baseName, decodeUtf8, isRecord } from './text.js';

/** pnpm-lock.yaml, lockfile versions 5 (`/name/1.0.0`), 6 (`/name@1.0.0`) and 9 (`name@1.0.0`). */
export const pnpmLockAnalyzer: FileAnalyzer = {
  id: 'pnpm-lock',
  version: 1,
  description: 'pnpm-lock.yaml (v5, v6, v9)',
  evidence: 'lockfile',
  wants: (file) => baseName(file.path) === 'pnpm-lock.yaml' && !file.path.includes('node_modules/'),
  analyze(file) {
    let doc: unknown;
    try {
      doc = parseYaml(decodeUtf8(file.content), { maxAliasCount: 100 });
    } catch (error) {
      return { warnings: [`${file.path}: not valid YAML (${(error as Error).message.split('\n')[0]})`] };
    }
    if (!isRecord(doc) || !isRecord(doc['packages'])) return {};
    const major = Number.parseFloat(String(doc['lockfileVersion'] ?? '5'));
    const out: FoundPackage[] = [];
    const seen = new Set<string>();
    for (const [key, entry] of Object.entries(doc['packages'])) {
      const parsed = parseKey(key, major);
      const info = isRecord(entry) ? entry : {};
      const name = typeof info['name'] === 'string' ? info['name'] : parsed?.name;
      const version = typeof info['version'] === 'string' ? info['version'] : parsed?.version;
      if (!name || !version || /^(link|file):/.test(version)) continue;
      const id = `${name}@${version}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({ kind: 'npm', name, version, ...(info['dev'] === true ? { dev: true } : {}) });
    }
    return { packages: out };
  },
};

function parseKey(key: string, major: number): { name: string; version: string } | undefined {
  // Peer-dependency suffixes: `(react@18.2.0)` from v6 on, `_react@18.2.0` in v5.
  let k = key.replace(/^\//, '').replace(/\(.*$/, '');
  if (major < 6) {
    k = k.replace(/_.*$/, '');
    const slash = k.lastIndexOf('/');
    if (slash <= 0) return undefined;
    return { name: k.slice(0, slash), version: k.slice(slash + 1) };
  }
  const at = k.lastIndexOf('@');
  if (at <= 0) return undefined;
  return { name: k.slice(0, at), version: k.slice(at + 1) };
}
