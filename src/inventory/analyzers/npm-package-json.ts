import type { FileAnalyzer } from '../analyzer.js';
import { isRecord, licenseList, stringField, tryJson } from './text.js';

/** A package's own manifest right inside node_modules (`node_modules/x/package.json`, `node_modules/@s/x/package.json`). */
const INSTALLED = /(?:^|\/)node_modules\/(?:@[^/]+\/)?[^/@.][^/]*\/package\.json$/;

/** npm packages as installed: what really runs, whatever the lockfile says. */
export const npmPackageJsonAnalyzer: FileAnalyzer = {
  id: 'npm-package-json',
  version: 1,
  description: 'node_modules/**/package.json',
  evidence: 'installed',
  maxBytes: 4 * 1024 * 1024,
  wants: (file) => INSTALLED.test(file.path),
  analyze(file) {
    const json = tryJson(file.content);
    if (!isRecord(json)) return { warnings: [`${file.path}: not valid JSON`] };
    const name = stringField(json, 'name');
    const version = stringField(json, 'version');
    if (!name || !version) return {};
    const licenses = licenseList(json['license'] ?? json['licenses']);
    return { packages: [{ kind: 'npm', name, version, ...(licenses ? { licenses } : {}) }] };
  },
};
