import type { FileAnalyzer } from '../analyzer.js';
import type { FoundPackage } from '../model.js';
import { baseName, isRecord, tryJson } from './text.js';

/** Pipfile.lock: JSON with `default` and `develop` maps of `name -> { version: "==1.2.3" }`. */
export const pipfileLockAnalyzer: FileAnalyzer = {
  id: 'pipfile-lock',
  version: 1,
  description: 'Pipfile.lock',
  evidence: 'lockfile',
  wants: (file) => baseName(file.path) === 'Pipfile.lock',
  analyze(file) {
    const json = tryJson(file.content);
    if (!isRecord(json)) return { warnings: [`${file.path}: not valid JSON`] };
    const packages: FoundPackage[] = [];
    for (const section of ['default', 'develop'] as const) {
      const deps = json[section];
      if (!isRecord(deps)) continue;
      for (const [name, entry] of Object.entries(deps)) {
        const version =
          isRecord(entry) && typeof entry['version'] === 'string'
            ? entry['version'].replace(/^==/, '')
            : undefined;
        if (version)
          packages.push({ kind: 'pypi', name, version, ...(section === 'develop' ? { dev: true } : {}) });
      }
    }
    return { packages };
  },
};
