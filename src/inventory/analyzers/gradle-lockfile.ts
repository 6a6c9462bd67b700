import type { FileAnalyzer } from '../analyzer.js';
import type { FoundPackage } from '../model.js';
import { baseName, decodeUtf8 } from './text.js';

/** gradle.lockfile (and the per-configuration `*.lockfile` under gradle/dependency-locks): `group:name:version=configs`. */
export const gradleLockfileAnalyzer: FileAnalyzer = {
  id: 'gradle-lockfile',
  version: 1,
  description: 'gradle.lockfile',
  evidence: 'lockfile',
  wants: (file) =>
    baseName(file.path) === 'gradle.lockfile' ||
    /(?:^|\/)gradle\/dependency-locks\/[^/]+\.lockfile$/.test(file.path),
  analyze(file) {
    const packages: FoundPackage[] = [];
    for (const raw of decodeUtf8(file.content).split(/\r?\n/)) {
      const line = raw.trim();
      if (!line || line.startsWith('#') || line.startsWith('empty=')) continue;
      const [coordinates, configurations = ''] = line.split('=');
      const [group, name, version] = (coordinates ?? '').split(':');
      if (!group || !name || !version) continue;
      const testOnly = configurations !== '' && configurations.split(',').every((c) => /^test/i.test(c));
      packages.push({ kind: 'maven', namespace: group, name, version, ...(testOnly ? { dev: true } : {}) });
    }
    return { packages };
  },
};
