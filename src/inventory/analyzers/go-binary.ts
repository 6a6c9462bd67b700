import type { FileAnalyzer } from '../analyzer.js';
import type { FoundPackage } from '../model.js';

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const FLAG_INLINE_STRINGS = 0x2;
/** Smaller files cannot be Go programs; skipping them keeps the scan of /usr/bin cheap. */
const MIN_SIZE = 64 * 1024;

/**
 * Go programs: the build info the linker embeds (Go 1.18+ inline format): Go version, main module and every
 * dependency with its version, as `go version -m` prints them.
 */
export const goBinaryAnalyzer: FileAnalyzer = {
  id: 'go-binary',
  version: 1,
  description: 'executables with Go build info',
  evidence: 'installed',
  maxBytes: 256 * 1024 * 1024,
  wants: (file) => (file.mode & 0o111) !== 0 && file.size >= MIN_SIZE,
  analyze(file) {
    const info = readBuildInfo(file.content);
    if (!info) return {};
    if (info === 'old-format')
      return { warnings: [`${file.path}: Go binary built before Go 1.18; dependencies not read`] };
    return { packages: packagesOf(info) };
  },
};

export interface GoBuildInfo {
  goVersion: string;
  mainPath?: string;
  main?: { path: string; version: string };
  deps: { path: string; version: string }[];
}

export function readBuildInfo(data: Buffer): GoBuildInfo | 'old-format' | undefined {
  // The section is 16-byte aligned; unaligned hits are stray copies of the string in data.
  for (let at = data.indexOf(MAGIC); at >= 0; at = data.indexOf(MAGIC, at + 1)) {
    if (at % 16 !== 0 || at + 32 > data.length) continue;
    const flags = data[at + 15] ?? 0;
    if ((flags & FLAG_INLINE_STRINGS) === 0) return 'old-format';
    const version = readVarString(data, at + 32);
    if (!version) continue;
    const mod = readVarString(data, version.next);
    if (!mod) continue;
    return parseModInfo(version.value, mod.value);
  }
  return undefined;
}

function readVarString(data: Buffer, start: number): { value: string; next: number } | undefined {
  let length = 0;
  let shift = 0;
  let pos = start;
  for (;;) {
    if (pos >= data.length || shift > 28) return undefined;
    const byte = data[pos++] ?? 0;
    length |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) break;
    shift += 7;
  }
  if (length < 0 || pos + length > data.length) return undefined;
  return { value: data.toString('utf8', pos, pos + length), next: pos + length };
}

function parseModInfo(goVersion: string, raw: string): GoBuildInfo {
  // The module info is wrapped in 16-byte sentinels, with a newline before the trailing one.
  const mod = raw.length >= 33 && raw[raw.length - 17] === '\n' ? raw.slice(16, -16) : raw;
  const info: GoBuildInfo = { goVersion, deps: [] };
  let last: { path: string; version: string } | undefined;
  for (const line of mod.split('\n')) {
    const [kind, path, version] = line.split('\t');
    if (kind === 'path' && path) info.mainPath = path;
    else if (kind === 'mod' && path) info.main = last = { path, version: version ?? '' };
    else if (kind === 'dep' && path) {
      last = { path, version: version ?? '' };
      info.deps.push(last);
    } else if (kind === '=>' && path && last) {
      // A replacement by a local directory has no version: keep the original module then.
      if (version) {
        last.path = path;
        last.version = version;
      }
    }
  }
  return info;
}

function packagesOf(info: GoBuildInfo): FoundPackage[] {
  const out: FoundPackage[] = [];
  if (info.main && info.main.version && info.main.version !== '(devel)') {
    out.push({ kind: 'golang', name: info.main.path, version: info.main.version });
  }
  for (const dep of info.deps)
    if (dep.version) out.push({ kind: 'golang', name: dep.path, version: dep.version });
  // The standard library is compiled in, and Go advisories name it "stdlib".
  const go = /^go(\d+\.\d+(?:\.\d+)?)/.exec(info.goVersion)?.[1];
  if (go) out.push({ kind: 'golang', name: 'stdlib', version: `v${go}` });
  return out;
}
