import type { FileAnalyzer } from '../analyzer.js';
import type { FoundPackage } from '../model.js';
import { baseName, isRecord, licenseList, stringField, tryJson } from './text.js';

const MAX_DEPTH = 64;

/** package-lock.json and npm-shrinkwrap.json, lockfileVersion 1 (nested `dependencies`) and 2/3 (`packages`). */
export const npmPackageLockAnalyzer: FileAnalyzer = {
  id: 'npm-package-lock',
  version: 1,
  description: 'package-lock.json, npm-shrinkwrap.json (v1, v2, v3)',
  evidence: 'lockfile',
  wants: (file) =>
    (baseName(file.path) === 'package-lock.json' || baseName(file.path) === 'npm-shrinkwrap.json') &&
    !file.path.includes('node_modules/'),
  analyze(file) {
    const json = tryJson(file.content);
    if (!isRecord(json)) return { warnings: [`${file.path}: not valid JSON`] };
    const packages: FoundPackage[] = [];
    if (isRecord(json['packages'])) {
      for (const [path, entry] of Object.entries(json['packages'])) {
        if (!path || !isRecord(entry) || entry['link'] === true) continue;
        const name =
          stringField(entry, 'name') ??
          path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
        const version = stringField(entry, 'version');
        // Workspace members sit outside node_modules and are the project itself, not dependencies.
        if (!version || !path.includes('node_modules/')) continue;
        const licenses = licenseList(entry['license']);
        packages.push({
          kind: 'npm',
          name,
          version,
          ...(entry['dev'] === true ? { dev: true } : {}),
          ...(licenses ? { licenses } : {}),
        });
      }
    } else if (isRecord(json['dependencies'])) {
      collectV1(json['dependencies'], packages, 0);
    }
    return { packages };
  },
};

function collectV1(deps: Record<string, unknown>, out: FoundPackage[], depth: number): void {
  if (depth > MAX_DEPTH) return;
  for (const [name, entry] of Object.entries(deps)) {
    if (!isRecord(entry)) continue;
    const version = stringField(entry, 'version');
    // `file:` and git versions are local or unpublished: not registry packages.
    if (version && !/^(file:|link:)/.test(version)) {
      out.push({
        kind: 'npm',
        name,
        version: npmVersion(version),
        ...(entry['dev'] === true ? { dev: true } : {}),
      });
    }
    if (isRecord(entry['dependencies'])) collectV1(entry['dependencies'], out, depth + 1);
  }
}

/** v1 aliases write `npm:real-name@1.2.3`; the version is the part after the last @. */
function npmVersion(version: string): string {
  return version.startsWith('npm:') ? version.slice(version.lastIndexOf('@') + 1) : version;
}
