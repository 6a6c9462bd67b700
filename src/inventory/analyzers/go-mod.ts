import type { FileAnalyzer } from '../analyzer.js';
import type { FoundPackage } from '../model.js';
import { baseName, decodeUtf8 } from './text.js';

/** go.mod `require` directives (single line and blocks), with `replace` applied as the go command does. */
export const goModAnalyzer: FileAnalyzer = {
  id: 'go-mod',
  version: 1,
  description: 'go.mod',
  evidence: 'lockfile',
  wants: (file) => baseName(file.path) === 'go.mod',
  analyze(file) {
    const requires = new Map<string, { version: string; indirect: boolean }>();
    const replaces = new Map<string, { path: string; version: string | undefined }>();
    let block: 'require' | 'replace' | 'other' | undefined;
    for (const raw of decodeUtf8(file.content).split(/\r?\n/)) {
      const indirect = /\/\/\s*indirect\b/.test(raw);
      const line = raw.replace(/\/\/.*$/, '').trim();
      if (!line) continue;
      if (block && line === ')') {
        block = undefined;
        continue;
      }
      const open = /^(require|replace|exclude|retract)\s*\($/.exec(line);
      if (open) {
        block = open[1] === 'require' || open[1] === 'replace' ? open[1] : 'other';
        continue;
      }
      const single = /^(require|replace)\s+(.*)$/.exec(line);
      const kind = single ? single[1] : block;
      const body = single ? (single[2] ?? '') : line;
      if (kind === 'require') {
        const [path, version] = body.split(/\s+/);
        if (path && version) requires.set(unquote(path), { version, indirect });
      } else if (kind === 'replace') {
        const m = /^(\S+)(?:\s+\S+)?\s*=>\s*(\S+)(?:\s+(\S+))?$/.exec(body);
        if (m?.[1] && m[2]) replaces.set(unquote(m[1]), { path: unquote(m[2]), version: m[3] });
      }
    }
    const packages: FoundPackage[] = [];
    for (const [path, req] of requires) {
      const rep = replaces.get(path);
      // Replaced by a local directory: the code is the project's own, not a published module.
      if (rep && !rep.version) continue;
      packages.push({ kind: 'golang', name: rep?.path ?? path, version: rep?.version ?? req.version });
    }
    return { packages };
  },
};

function unquote(s: string): string {
  return s.replace(/^"|"$/g, '');
}
