import type { Inventory, Package } from '../model.js';
import type { SbomFormatter } from './formatter.js';
import { packageKey, stableUuid, subjectKey } from './ids.js';

type Json = Record<string, unknown>;

/** A single SPDX licence id or simple expression; anything else becomes a LicenseRef with the text kept. */
const SPDX_EXPRESSION = /^\(?[A-Za-z0-9.+-]+\)?(\s+(AND|OR|WITH)\s+\(?[A-Za-z0-9.+-]+\)?)*$/;

/** SPDX 2.3 JSON: the subject DESCRIBED by the document, CONTAINS the OS and each package. */
export const spdxFormatter: SbomFormatter = {
  id: 'spdx',
  description: 'SPDX 2.3 JSON',
  extension: 'spdx.json',
  format(inventory, context) {
    const extracted = new Map<string, string>();
    const subjectId = 'SPDXRef-Subject';
    const packages: Json[] = [subjectPackage(inventory, subjectId)];
    const relationships: Json[] = [
      { spdxElementId: 'SPDXRef-DOCUMENT', relationshipType: 'DESCRIBES', relatedSpdxElement: subjectId },
    ];
    if (inventory.os) {
      packages.push({
        SPDXID: 'SPDXRef-OperatingSystem',
        name: inventory.os.id,
        versionInfo: inventory.os.versionId ?? 'NOASSERTION',
        downloadLocation: 'NOASSERTION',
        filesAnalyzed: false,
        primaryPackagePurpose: 'OPERATING_SYSTEM',
        ...(inventory.os.prettyName ? { description: inventory.os.prettyName } : {}),
      });
      relationships.push({
        spdxElementId: subjectId,
        relationshipType: 'CONTAINS',
        relatedSpdxElement: 'SPDXRef-OperatingSystem',
      });
    }
    for (const pkg of inventory.packages) {
      const id = `SPDXRef-Package-${packageKey(pkg)}`;
      packages.push(packageOf(pkg, id, extracted));
      relationships.push({ spdxElementId: subjectId, relationshipType: 'CONTAINS', relatedSpdxElement: id });
    }
    const doc = {
      spdxVersion: 'SPDX-2.3',
      dataLicense: 'CC0-1.0',
      SPDXID: 'SPDXRef-DOCUMENT',
      name: inventory.subject.name,
      documentNamespace: `https://kubeward.dev/spdx/${encodeURIComponent(inventory.subject.name)}-${stableUuid(subjectKey(inventory), context.generatedAt)}`,
      creationInfo: {
        // SPDX wants second precision: YYYY-MM-DDThh:mm:ssZ.
        created: context.generatedAt.replace(/\.\d+Z$/, 'Z'),
        creators: [`Tool: kubeward-${context.toolVersion}`],
      },
      packages,
      relationships,
      ...(extracted.size > 0
        ? {
            hasExtractedLicensingInfos: [...extracted].map(([licenseId, text]) => ({
              licenseId,
              extractedText: text,
              name: text,
            })),
          }
        : {}),
    };
    return `${JSON.stringify(doc, null, 2)}\n`;
  },
};

function subjectPackage(inventory: Inventory, id: string): Json {
  const s = inventory.subject;
  if (s.kind === 'directory') {
    return {
      SPDXID: id,
      name: s.name,
      downloadLocation: 'NOASSERTION',
      filesAnalyzed: false,
      primaryPackagePurpose: 'SOURCE',
      sourceInfo: `directory ${s.path}`,
    };
  }
  const [algorithm, hex] = s.manifestDigest.split(':');
  return {
    SPDXID: id,
    name: s.repository ?? s.name,
    ...(s.tags[0] ? { versionInfo: s.tags[0] } : {}),
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    primaryPackagePurpose: 'CONTAINER',
    ...(algorithm === 'sha256' && hex ? { checksums: [{ algorithm: 'SHA256', checksumValue: hex }] } : {}),
    sourceInfo: `image manifest ${s.manifestDigest}, config ${s.configDigest}, ${s.layers.length} layers`,
  };
}

function packageOf(pkg: Package, id: string, extracted: Map<string, string>): Json {
  const where = pkg.layer
    ? `file /${pkg.path} in layer ${pkg.layer.index} (${pkg.layer.diffId ?? pkg.layer.digest})`
    : `file /${pkg.path}`;
  return {
    SPDXID: id,
    name: pkg.namespace && pkg.kind === 'maven' ? `${pkg.namespace}:${pkg.name}` : pkg.name,
    versionInfo: pkg.version,
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    licenseConcluded: 'NOASSERTION',
    licenseDeclared: declaredLicense(pkg.licenses, extracted),
    copyrightText: 'NOASSERTION',
    primaryPackagePurpose:
      pkg.kind === 'deb' || pkg.kind === 'apk' || pkg.kind === 'rpm' ? 'OPERATING_SYSTEM' : 'LIBRARY',
    ...(pkg.sourceName
      ? {
          sourceInfo: `${where}; built from source package ${pkg.sourceName} ${pkg.sourceVersion ?? pkg.version}`,
        }
      : { sourceInfo: where }),
    externalRefs: [
      { referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: pkg.purl },
    ],
  };
}

function declaredLicense(licenses: string[] | undefined, extracted: Map<string, string>): string {
  if (!licenses || licenses.length === 0) return 'NOASSERTION';
  const parts = licenses.map((text) => {
    if (SPDX_EXPRESSION.test(text)) return licenses.length > 1 && /\s/.test(text) ? `(${text})` : text;
    const ref = `LicenseRef-${
      text
        .replace(/[^A-Za-z0-9.-]+/g, '-')
        .replace(/^-|-$/g, '')
        .slice(0, 64) || 'unknown'
    }`;
    extracted.set(ref, text);
    return ref;
  });
  return parts.join(' AND ');
}
