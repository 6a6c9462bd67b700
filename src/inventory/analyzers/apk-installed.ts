import type { FileAnalyzer } from '../analyzer.js';
import type { FoundPackage } from '../model.js';
import { decodeUtf8 } from './text.js';

/** Alpine, Wolfi: `lib/apk/db/installed`, one block per package of `X:value` lines; `o:` is the origin (source). */
export const apkInstalledAnalyzer: FileAnalyzer = {
  id: 'apk-installed',
  version: 1,
  description: 'lib/apk/db/installed',
  evidence: 'installed',
  wants: (file) => file.path === 'lib/apk/db/installed',
  analyze(file) {
    const packages: FoundPackage[] = [];
    let fields = new Map<string, string>();
    const flush = (): void => {
      const name = fields.get('P');
      const version = fields.get('V');
      if (name && version) {
        const arch = fields.get('A');
        const license = fields.get('L');
        packages.push({
          kind: 'apk',
          name,
          version,
          ...(arch ? { arch } : {}),
          sourceName: fields.get('o') ?? name,
          sourceVersion: version,
          ...(license ? { licenses: [license] } : {}),
        });
      }
      fields = new Map();
    };
    for (const line of decodeUtf8(file.content).split(/\r?\n/)) {
      if (line.trim() === '') {
        flush();
        continue;
      }
      if (line[1] === ':' && line[0] && !fields.has(line[0])) fields.set(line[0], line.slice(2));
    }
    flush();
    return { packages };
  },
};
