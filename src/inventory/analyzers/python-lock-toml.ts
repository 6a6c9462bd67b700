import type { FileAnalyzer } from '../analyzer.js';
import type { FoundPackage } from '../model.js';
import { baseName, decodeUtf8 } from './text.js';
import { tomlArrayTables } from './toml-tables.js';

const FILES = new Set(['poetry.lock', 'uv.lock', 'pdm.lock', 'pylock.toml']);

/** Python lockfiles in TOML that list `[[package]]` (poetry.lock, uv.lock, pdm.lock) or `[[packages]]` (pylock.toml). */
export const pythonLockTomlAnalyzer: FileAnalyzer = {
  id: 'python-lock-toml',
  version: 1,
  description: 'poetry.lock, uv.lock, pdm.lock, pylock.toml',
  evidence: 'lockfile',
  wants: (file) => FILES.has(baseName(file.path)) || /(?:^|\/)pylock\.[^/]+\.toml$/.test(file.path),
  analyze(file) {
    const text = decodeUtf8(file.content);
    const tables = baseName(file.path).startsWith('pylock')
      ? tomlArrayTables(text, 'packages')
      : tomlArrayTables(text, 'package');
    const packages: FoundPackage[] = [];
    for (const table of tables) {
      const name = table.get('name');
      const version = table.get('version');
      const source = table.get('source') ?? '';
      // uv lists the project itself with an editable or virtual source.
      if (!name || !version || /\b(editable|virtual)\s*=/.test(source)) continue;
      const category = table.get('category');
      packages.push({ kind: 'pypi', name, version, ...(category === 'dev' ? { dev: true } : {}) });
    }
    return { packages };
  },
};
