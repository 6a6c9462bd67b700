import type { FileAnalyzer } from '../analyzer.js';
import { decodeUtf8 } from './text.js';

const METADATA = /(?:^|\/)[^/]+\.dist-info\/METADATA$/;
const PKG_INFO = /(?:^|\/)[^/]+\.egg-info\/PKG-INFO$/;
/** setuptools and Debian also write the egg-info as a single file instead of a directory. */
const EGG_INFO_FILE = /(?:^|\/)[^/]+\.egg-info$/;

/** Installed Python distributions: core metadata headers (PEP 566/643) of dist-info and egg-info. */
export const pythonMetadataAnalyzer: FileAnalyzer = {
  id: 'python-metadata',
  version: 1,
  description: '*.dist-info/METADATA, *.egg-info/PKG-INFO, *.egg-info',
  evidence: 'installed',
  maxBytes: 8 * 1024 * 1024,
  wants: (file) => METADATA.test(file.path) || PKG_INFO.test(file.path) || EGG_INFO_FILE.test(file.path),
  analyze(file) {
    const headers = parseCoreMetadata(decodeUtf8(file.content));
    const name = headers.get('name')?.[0];
    const version = headers.get('version')?.[0];
    if (!name || !version) return {};
    return { packages: [{ kind: 'pypi', name, version, ...licensesOf(headers) }] };
  },
};

/** Email-style headers up to the first blank line (the rest is the long description). */
function parseCoreMetadata(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let last: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break;
    if ((line.startsWith(' ') || line.startsWith('\t')) && last) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim().toLowerCase();
    const list = out.get(last) ?? [];
    list.push(line.slice(colon + 1).trim());
    out.set(last, list);
  }
  return out;
}

/** License-Expression (PEP 639) first, then License, then the trove classifiers. */
function licensesOf(headers: Map<string, string[]>): { licenses?: string[] } {
  const expression = headers.get('license-expression')?.[0];
  if (expression) return { licenses: [expression] };
  const license = headers.get('license')?.[0];
  if (license && license !== 'UNKNOWN' && license.length < 200) return { licenses: [license] };
  const classifiers = (headers.get('classifier') ?? [])
    .filter((c) => c.startsWith('License ::'))
    .map((c) => c.split('::').pop()?.trim() ?? '')
    .filter(Boolean);
  return classifiers.length > 0 ? { licenses: classifiers } : {};
}
