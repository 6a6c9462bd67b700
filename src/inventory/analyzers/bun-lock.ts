import type { FileAnalyzer } from '../analyzer.js';
import type { FoundPackage } from '../model.js';
import { baseName, decodeUtf8, isRecord } from './text.js';

/*
 * bun.lock (Bun 1.2+ text lockfile): JSONC with trailing commas. `packages` maps an install path ("glob",
 * "glob/minimatch" for a nested copy) to [ "name@version", registry, info, integrity ]; git and tarball entries
 * have fewer fields, workspace, link and file entries point into the project itself. `workspaces` lists each
 * workspace's declared dependencies; whatever the production ones do not reach is marked dev.
 */

const LOCAL = /^(workspace|link|file):/;
const PROD_FIELDS = ['dependencies', 'optionalDependencies', 'peerDependencies'] as const;

export const bunLockAnalyzer: FileAnalyzer = {
  id: 'bun-lock',
  version: 1,
  description: 'bun.lock (text lockfile)',
  evidence: 'lockfile',
  wants: (file) => baseName(file.path) === 'bun.lock' && !file.path.includes('node_modules/'),
  analyze(file) {
    let doc: unknown;
    try {
      doc = JSON.parse(stripJsonc(decodeUtf8(file.content)));
    } catch (error) {
      return { warnings: [`${file.path}: not valid JSONC (${(error as Error).message})`] };
    }
    if (!isRecord(doc) || !isRecord(doc['packages'])) return {};
    const entries = new Map<string, { name: string; version: string; info: Record<string, unknown> }>();
    for (const [key, value] of Object.entries(doc['packages'])) {
      if (!Array.isArray(value) || typeof value[0] !== 'string') continue;
      const id = splitIdentifier(value[0]);
      if (!id) continue;
      // The info object is third for registry packages and second for git and tarball ones.
      const info = [value[2], value[1]].find(isRecord) ?? {};
      entries.set(key, { ...id, info });
    }
    const prod = reachableFromProduction(doc['workspaces'], entries);
    const out: FoundPackage[] = [];
    const seen = new Set<string>();
    for (const [key, { name, version }] of entries) {
      if (LOCAL.test(version)) continue;
      const id = `${name}@${version}`;
      if (seen.has(id)) continue;
      seen.add(id);
      out.push({ kind: 'npm', name, version, ...(prod && !prod.has(key) ? { dev: true } : {}) });
    }
    return { packages: out };
  },
};

/** `@scope/name@1.0.0` -> { @scope/name, 1.0.0 }: the version starts after the last `@` that is not first. */
function splitIdentifier(identifier: string): { name: string; version: string } | undefined {
  const at = identifier.indexOf('@', 1);
  if (at <= 0 || at === identifier.length - 1) return undefined;
  return { name: identifier.slice(0, at), version: identifier.slice(at + 1) };
}

/** Package keys reached from the workspaces' production dependencies, or undefined when there are no workspaces. */
function reachableFromProduction(
  workspaces: unknown,
  entries: Map<string, { info: Record<string, unknown> }>,
): Set<string> | undefined {
  if (!isRecord(workspaces) || Object.keys(workspaces).length === 0) return undefined;
  const reached = new Set<string>();
  const queue: string[] = [];
  // Node resolution: a nested copy `parent/dep` wins over the hoisted `dep`.
  const visit = (parent: string, dep: string): void => {
    const key = [`${parent}/${dep}`, dep].find((k) => entries.has(k));
    if (key && !reached.has(key)) {
      reached.add(key);
      queue.push(key);
    }
  };
  for (const ws of Object.values(workspaces)) {
    if (!isRecord(ws)) continue;
    for (const field of PROD_FIELDS) {
      const deps = ws[field];
      if (isRecord(deps)) for (const dep of Object.keys(deps)) visit('', dep);
    }
  }
  for (let key = queue.pop(); key !== undefined; key = queue.pop()) {
    const info = entries.get(key)?.info ?? {};
    for (const field of PROD_FIELDS) {
      const deps = info[field];
      if (isRecord(deps)) for (const dep of Object.keys(deps)) visit(key, dep);
    }
  }
  return reached;
}

/** JSONC to JSON: drop comments, then trailing commas, leaving strings alone. No nested quantifiers, so no runaway backtracking. */
export function stripJsonc(text: string): string {
  const keepStrings = (m: string): string => (m.startsWith('"') ? m : '');
  return text
    .replace(/"(?:[^"\\\n]|\\.)*"|\/\/[^\n]*|\/\*[\s\S]*?(?:\*\/|$)/g, keepStrings)
    .replace(/"(?:[^"\\\n]|\\.)*"|,(?=\s*[}\]])/g, keepStrings);
}
