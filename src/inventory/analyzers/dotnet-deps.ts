import type { FileAnalyzer } from '../analyzer.js';
import type { FoundPackage } from '../model.js';
import { isRecord, tryJson } from './text.js';

/** `*.deps.json` next to a built .NET app: `libraries` keyed `Name/Version`, of which `type: package` came from NuGet. */
export const dotnetDepsAnalyzer: FileAnalyzer = {
  id: 'dotnet-deps',
  version: 1,
  description: '*.deps.json',
  evidence: 'installed',
  wants: (file) => file.path.endsWith('.deps.json'),
  analyze(file) {
    const json = tryJson(file.content);
    if (!isRecord(json) || !isRecord(json['libraries'])) return {};
    const packages: FoundPackage[] = [];
    for (const [key, lib] of Object.entries(json['libraries'])) {
      if (!isRecord(lib) || lib['type'] !== 'package') continue;
      const slash = key.lastIndexOf('/');
      if (slash <= 0) continue;
      packages.push({ kind: 'nuget', name: key.slice(0, slash), version: key.slice(slash + 1) });
    }
    return { packages };
  },
};
