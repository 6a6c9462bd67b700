import { parse as parseYaml } from 'yaml';
import type { FileAnalyzer } from '../analyzer.js';
import type { FoundPackage } from '../model.js';
import { baseName, decodeUtf8, isRecord } from './text.js';

/** Dart/Flutter pubspec.lock: `packages: name: { version, source, dependency }`; SDK packages are not on pub.dev. */
export const pubspecLockAnalyzer: FileAnalyzer = {
  id: 'pubspec-lock',
  version: 1,
  description: 'pubspec.lock',
  evidence: 'lockfile',
  wants: (file) => baseName(file.path) === 'pubspec.lock',
  analyze(file) {
    let doc: unknown;
    try {
      doc = parseYaml(decodeUtf8(file.content), { maxAliasCount: 100 });
    } catch {
      return { warnings: [`${file.path}: not valid YAML`] };
    }
    if (!isRecord(doc) || !isRecord(doc['packages'])) return {};
    const packages: FoundPackage[] = [];
    for (const [name, entry] of Object.entries(doc['packages'])) {
      if (!isRecord(entry) || entry['source'] === 'sdk' || typeof entry['version'] !== 'string') continue;
      const dev = typeof entry['dependency'] === 'string' && entry['dependency'].includes('dev');
      packages.push({ kind: 'pub', name, version: entry['version'], ...(dev ? { dev: true } : {}) });
    }
    return { packages };
  },
};
