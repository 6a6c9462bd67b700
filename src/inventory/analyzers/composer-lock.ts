import type { FileAnalyzer } from '../analyzer.js';
import type { FoundPackage } from '../model.js';
import { baseName, isRecord, licenseList, stringField, tryJson } from './text.js';

/** composer.lock (`packages`, `packages-dev`) and the installed `vendor/composer/installed.json`. */
export const composerLockAnalyzer: FileAnalyzer = {
  id: 'composer-lock',
  version: 1,
  description: 'composer.lock, vendor/composer/installed.json',
  evidence: 'installed',
  wants: (file) =>
    baseName(file.path) === 'composer.lock' || file.path.endsWith('vendor/composer/installed.json'),
  analyze(file) {
    const json = tryJson(file.content);
    const packages: FoundPackage[] = [];
    const add = (list: unknown, dev: boolean): void => {
      if (!Array.isArray(list)) return;
      for (const entry of list) {
        if (!isRecord(entry)) continue;
        const name = stringField(entry, 'name');
        const version = stringField(entry, 'version');
        if (!name || !version) continue;
        const licenses = licenseList(entry['license']);
        packages.push({
          kind: 'composer',
          name,
          version: version.replace(/^v(?=\d)/, ''),
          ...(dev ? { dev: true } : {}),
          ...(licenses ? { licenses } : {}),
        });
      }
    };
    if (Array.isArray(json))
      add(json, false); // installed.json of Composer 1
    else if (isRecord(json)) {
      add(json['packages'], false);
      add(json['packages-dev'], true);
    } else return { warnings: [`${file.path}: not valid JSON`] };
    return { packages };
  },
};
