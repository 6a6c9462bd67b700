import type { FileAnalyzer } from '../analyzer.js';
import type { FoundPackage } from '../model.js';
import { baseName, decodeUtf8 } from './text.js';
import { type XmlElement, child, childText, parseXml } from './xml-lite.js';

const MAX_PROPERTY_PASSES = 10;

/**
 * pom.xml: the project's declared dependencies whose versions are known inside the file (literal, or through
 * `${...}` properties defined in it, `${project.version}`, `${project.parent.version}`). Versions inherited from
 * a parent POM or a BOM outside the file cannot be known here and are left out.
 */
export const pomXmlAnalyzer: FileAnalyzer = {
  id: 'pom-xml',
  version: 1,
  description: 'pom.xml (declared dependencies)',
  evidence: 'lockfile',
  wants: (file) => baseName(file.path) === 'pom.xml',
  analyze(file) {
    const project = parseXml(decodeUtf8(file.content));
    if (!project || project.name !== 'project') return { warnings: [`${file.path}: not a Maven POM`] };
    const props = propertiesOf(project);
    const resolve = (value: string | undefined): string | undefined =>
      value ? substitute(value, props) : undefined;
    const managed = new Map<string, string>();
    for (const dep of child(child(project, 'dependencyManagement'), 'dependencies')?.children ?? []) {
      const key = `${resolve(childText(dep, 'groupId'))}:${resolve(childText(dep, 'artifactId'))}`;
      const version = resolve(childText(dep, 'version'));
      if (version) managed.set(key, version);
    }
    const packages: FoundPackage[] = [];
    for (const dep of child(project, 'dependencies')?.children ?? []) {
      if (dep.name !== 'dependency') continue;
      const groupId = resolve(childText(dep, 'groupId'));
      const artifactId = resolve(childText(dep, 'artifactId'));
      const version = resolve(childText(dep, 'version')) ?? managed.get(`${groupId}:${artifactId}`);
      if (!groupId || !artifactId || !version || version.includes('${')) continue;
      const scope = childText(dep, 'scope');
      packages.push({
        kind: 'maven',
        namespace: groupId,
        name: artifactId,
        version,
        ...(scope === 'test' ? { dev: true } : {}),
      });
    }
    return { packages };
  },
};

function propertiesOf(project: XmlElement): Map<string, string> {
  const props = new Map<string, string>();
  for (const p of child(project, 'properties')?.children ?? []) props.set(p.name, p.text.trim());
  const parent = child(project, 'parent');
  const version = childText(project, 'version') ?? childText(parent, 'version');
  const groupId = childText(project, 'groupId') ?? childText(parent, 'groupId');
  if (version) props.set('project.version', version).set('pom.version', version).set('version', version);
  if (groupId) props.set('project.groupId', groupId).set('pom.groupId', groupId);
  const artifactId = childText(project, 'artifactId');
  if (artifactId) props.set('project.artifactId', artifactId);
  const parentVersion = childText(parent, 'version');
  if (parentVersion) props.set('project.parent.version', parentVersion);
  return props;
}

/** Repeated passes resolve properties defined through other properties; the cap stops cycles. */
function substitute(value: string, props: Map<string, string>): string {
  let out = value;
  for (let pass = 0; pass < MAX_PROPERTY_PASSES && out.includes('${'); pass++) {
    out = out.replace(/\$\{([^}]+)\}/g, (whole, key: string) => props.get(key) ?? whole);
  }
  return out;
}
