import { parse as parseYaml } from 'yaml';
import type { FileAnalyzer } from '../analyzer.js';
import type { FoundPackage } from '../model.js';
import { baseName, decodeUtf8, isRecord } from './text.js';

/** yarn.lock: classic (v1, its own format) and berry (v2+, YAML with `__metadata`). */
export const yarnLockAnalyzer: FileAnalyzer = {
  id: 'yarn-lock',
  version: 1,
  description: 'yarn.lock (classic and berry)',
  evidence: 'lockfile',
  wants: (file) => baseName(file.path) === 'yarn.lock' && !file.path.includes('node_modules/'),
  analyze(file) {
    const text = decodeUtf8(file.content);
    const packages = /^__metadata:/m.test(text) ? parseBerry(text) : parseClassic(text);
    return { packages: dedupe(packages) };
  },
};

function parseClassic(text: string): FoundPackage[] {
  const out: FoundPackage[] = [];
  let names: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line || line.startsWith('#')) continue;
    if (!line.startsWith(' ')) {
      // `"@babel/core@^7.0.0", "@babel/core@^7.1.0":` -> @babel/core
      names = line
        .replace(/:$/, '')
        .split(',')
        .map((spec) => nameOfSpec(spec.trim().replace(/^"|"$/g, '')))
        .filter((n): n is string => Boolean(n));
      continue;
    }
    const version = /^ {2}version:?\s+"?([^"\s]+)"?/.exec(line)?.[1];
    if (version && names[0]) out.push({ kind: 'npm', name: names[0], version });
  }
  return out;
}

function parseBerry(text: string): FoundPackage[] {
  let doc: unknown;
  try {
    doc = parseYaml(text, { maxAliasCount: 100 });
  } catch {
    return [];
  }
  if (!isRecord(doc)) return [];
  const out: FoundPackage[] = [];
  for (const [key, entry] of Object.entries(doc)) {
    if (key === '__metadata' || !isRecord(entry)) continue;
    const resolution =
      typeof entry['resolution'] === 'string' ? entry['resolution'] : (key.split(',')[0]?.trim() ?? '');
    // Workspace members and local links are the project itself.
    if (/@(workspace|link|portal|file):/.test(resolution)) continue;
    const name = nameOfSpec(resolution);
    const version = entry['version'];
    if (name && (typeof version === 'string' || typeof version === 'number'))
      out.push({ kind: 'npm', name, version: String(version) });
  }
  return out;
}

/** The package name of a spec such as `@scope/name@npm:^1.0.0` or `name@^1.0.0`. */
function nameOfSpec(spec: string): string | undefined {
  const at = spec.indexOf('@', spec.startsWith('@') ? 1 : 0);
  const name = at < 0 ? spec : spec.slice(0, at);
  return name || undefined;
}

function dedupe(packages: FoundPackage[]): FoundPackage[] {
  const seen = new Set<string>();
  return packages.filter((p) => {
    const key = `${p.name}@${p.version}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
