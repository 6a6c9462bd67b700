import type { FileAnalyzer } from '../analyzer.js';
import type { FoundPackage } from '../model.js';
import { baseName, isRecord, stringField, tryJson } from './text.js';

/** NuGet packages.lock.json: `dependencies` per target framework, each `{ type, resolved }`; projects are skipped. */
export const nugetLockAnalyzer: FileAnalyzer = {
  id: 'nuget-lock',
  version: 1,
  description: 'packages.lock.json',
  evidence: 'lockfile',
  wants: (file) => baseName(file.path) === 'packages.lock.json',
  analyze(file) {
    const json = tryJson(file.content);
    if (!isRecord(json) || !isRecord(json['dependencies']))
      return { warnings: [`${file.path}: not a NuGet lock file`] };
    const seen = new Set<string>();
    const packages: FoundPackage[] = [];
    for (const framework of Object.values(json['dependencies'])) {
      if (!isRecord(framework)) continue;
      for (const [name, dep] of Object.entries(framework)) {
        if (!isRecord(dep) || dep['type'] === 'Project') continue;
        const version = stringField(dep, 'resolved');
        if (!version || seen.has(`${name}@${version}`)) continue;
        seen.add(`${name}@${version}`);
        packages.push({ kind: 'nuget', name, version });
      }
    }
    return { packages };
  },
};
