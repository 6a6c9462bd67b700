import type { FileAnalyzer } from '../analyzer.js';
import type { FoundPackage } from '../model.js';
import { baseName, decodeUtf8 } from './text.js';

/** Elixir mix.lock (an Erlang term map): `"name": {:hex, :name, "1.2.3", ...}`; git and path deps have no Hex version. */
export const mixLockAnalyzer: FileAnalyzer = {
  id: 'mix-lock',
  version: 1,
  description: 'mix.lock',
  evidence: 'lockfile',
  wants: (file) => baseName(file.path) === 'mix.lock',
  analyze(file) {
    const packages: FoundPackage[] = [];
    for (const m of decodeUtf8(file.content).matchAll(
      /^\s*"([^"]+)":\s*\{:hex,\s*:"?([\w-]+)"?,\s*"([^"]+)"/gm,
    )) {
      if (m[2] && m[3]) packages.push({ kind: 'hex', name: m[2], version: m[3] });
    }
    return { packages };
  },
};
