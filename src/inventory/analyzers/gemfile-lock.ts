import type { FileAnalyzer } from '../analyzer.js';
import type { FoundPackage } from '../model.js';
import { baseName, decodeUtf8 } from './text.js';

/** Gemfile.lock: the `specs:` of the GEM section, four spaces deep: `    rack (2.2.8)` or `    nokogiri (1.15.4-x86_64-linux)`. */
export const gemfileLockAnalyzer: FileAnalyzer = {
  id: 'gemfile-lock',
  version: 1,
  description: 'Gemfile.lock',
  evidence: 'lockfile',
  wants: (file) => baseName(file.path) === 'Gemfile.lock' || baseName(file.path) === 'gems.locked',
  analyze(file) {
    const packages: FoundPackage[] = [];
    let section = '';
    for (const line of decodeUtf8(file.content).split(/\r?\n/)) {
      if (/^[A-Z]/.test(line)) {
        section = line.trim();
        continue;
      }
      if (section !== 'GEM') continue;
      const m = /^ {4}([^\s(]+) \(([^)]+)\)$/.exec(line);
      if (!m?.[1] || !m[2]) continue;
      // A platform suffix is part of the gem file name, not of the version.
      const version = m[2].replace(
        /-(x86|x64|aarch64|arm|universal|java|mswin|mingw|darwin|linux|x86_64)[\w.-]*$/,
        '',
      );
      packages.push({ kind: 'gem', name: m[1], version });
    }
    return { packages };
  },
};
