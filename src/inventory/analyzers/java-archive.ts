import type { FileAnalyzer } from '../analyzer.js';
import type { FoundPackage } from '../model.js';
import { baseName } from './text.js';
import { readZipDirectory, readZipEntry, type ZipEntry } from './zip.js';

const ARCHIVE = /\.(jar|war|ear|par|sar|jpi|hpi|nar|kar)$/i;
/** Jars inside jars (Spring Boot, WARs) are followed this deep; deeper nesting is ignored. */
const MAX_NESTING = 3;
const MAX_NESTED_BYTES = 64 * 1024 * 1024;
const MAX_METADATA_BYTES = 1024 * 1024;

/**
 * Java archives: Maven coordinates from `META-INF/maven/** /pom.properties` (a fat jar holds one per bundled
 * library), else from `META-INF/MANIFEST.MF`, else from the file name; nested jars are read from memory.
 */
export const javaArchiveAnalyzer: FileAnalyzer = {
  id: 'java-archive',
  version: 1,
  description: '*.jar, *.war, *.ear (pom.properties, MANIFEST.MF, nested jars)',
  evidence: 'installed',
  maxBytes: 256 * 1024 * 1024,
  wants: (file) => ARCHIVE.test(file.path),
  analyze(file) {
    const packages: FoundPackage[] = [];
    const warnings: string[] = [];
    readArchive(file.content, baseName(file.path), 0, packages, warnings, file.path);
    return { packages: dedupe(packages), ...(warnings.length > 0 ? { warnings } : {}) };
  },
};

function readArchive(
  zip: Buffer,
  fileName: string,
  depth: number,
  out: FoundPackage[],
  warnings: string[],
  where: string,
): void {
  const entries = readZipDirectory(zip);
  if (!entries) {
    warnings.push(`${where}: not a readable zip archive`);
    return;
  }
  const found: FoundPackage[] = [];
  for (const entry of entries) {
    if (/^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/.test(entry.name)) {
      const props = parseProperties(readText(zip, entry));
      const groupId = props.get('groupId');
      const artifactId = props.get('artifactId');
      const version = props.get('version');
      if (groupId && artifactId && version)
        found.push({ kind: 'maven', namespace: groupId, name: artifactId, version });
    }
  }
  if (found.length === 0) {
    const manifest = entries.find((e) => e.name === 'META-INF/MANIFEST.MF');
    const fromManifest = manifest ? fromManifestFile(readText(zip, manifest), fileName) : undefined;
    const fromName = fromManifest ?? fromFileName(fileName);
    if (fromName) found.push(fromName);
  }
  out.push(...found);
  if (depth >= MAX_NESTING) return;
  for (const entry of entries) {
    if (!ARCHIVE.test(entry.name) || entry.name.endsWith('/')) continue;
    const nested = readZipEntry(zip, entry, MAX_NESTED_BYTES);
    if (!nested) {
      warnings.push(`${where}!${entry.name}: skipped (damaged or over ${MAX_NESTED_BYTES} bytes)`);
      continue;
    }
    readArchive(nested, baseName(entry.name), depth + 1, out, warnings, `${where}!${entry.name}`);
  }
}

function readText(zip: Buffer, entry: ZipEntry): string {
  return readZipEntry(zip, entry, MAX_METADATA_BYTES)?.toString('utf8') ?? '';
}

function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^([^=:\s]+)\s*[=:]\s*(.*)$/.exec(line);
    if (m?.[1]) out.set(m[1], (m[2] ?? '').trim());
  }
  return out;
}

/** MANIFEST.MF main attributes; continuation lines start with one space. */
function fromManifestFile(text: string, fileName: string): FoundPackage | undefined {
  const attrs = new Map<string, string>();
  let last: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break;
    if (line.startsWith(' ') && last) {
      attrs.set(last, `${attrs.get(last) ?? ''}${line.slice(1)}`);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    last = line.slice(0, colon).trim();
    attrs.set(last, line.slice(colon + 1).trim());
  }
  const version =
    attrs.get('Implementation-Version') ?? attrs.get('Bundle-Version') ?? attrs.get('Specification-Version');
  const artifact =
    fromFileName(fileName)?.name ??
    attrs.get('Implementation-Title') ??
    attrs.get('Bundle-SymbolicName')?.split(';')[0];
  const group =
    attrs.get('Implementation-Vendor-Id') ?? attrs.get('Automatic-Module-Name')?.replace(/\.[^.]+$/, '');
  if (!artifact || !version) return undefined;
  return { kind: 'maven', ...(group ? { namespace: group } : {}), name: artifact, version };
}

/** `commons-lang3-3.12.0.jar` -> commons-lang3 3.12.0. */
function fromFileName(fileName: string): FoundPackage | undefined {
  const m = /^(.+?)-(\d[\w.+-]*)\.[a-z]+$/i.exec(fileName);
  return m?.[1] && m[2] ? { kind: 'maven', name: m[1], version: m[2] } : undefined;
}

function dedupe(packages: FoundPackage[]): FoundPackage[] {
  const seen = new Set<string>();
  return packages.filter((p) => {
    const key = `${p.namespace ?? ''}:${p.name}@${p.version}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
