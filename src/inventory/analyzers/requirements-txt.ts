import type { FileAnalyzer } from '../analyzer.js';
import type { FoundPackage } from '../model.js';
import { baseName, decodeUtf8 } from './text.js';

/** `name[extras]==1.2.3 ; marker  # comment`: only exact pins say which version gets installed. */
const PINNED = /^([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*===?\s*([^\s;,#]+)/;

/** requirements*.txt with pinned versions (`==`, `===`); ranges and URLs are not versions, so they are left out. */
export const requirementsTxtAnalyzer: FileAnalyzer = {
  id: 'requirements-txt',
  version: 1,
  description: 'requirements*.txt (pinned versions)',
  evidence: 'lockfile',
  wants: (file) => /^requirements.*\.txt$/.test(baseName(file.path)),
  analyze(file) {
    const packages: FoundPackage[] = [];
    for (const raw of decodeUtf8(file.content).split(/\r?\n/)) {
      const line = raw.replace(/\s+#.*$/, '').trim();
      if (!line || line.startsWith('#') || line.startsWith('-')) continue;
      const match = PINNED.exec(line);
      // A pin with a wildcard (`==1.2.*`) is a range, not a version.
      if (match?.[1] && match[2] && !match[2].includes('*'))
        packages.push({ kind: 'pypi', name: match[1], version: match[2] });
    }
    return { packages };
  },
};
