import type { Inventory, Package } from '../model.js';
import type { SbomFormatter } from './formatter.js';
import { packageKey, stableUuid, subjectKey } from './ids.js';

type Json = Record<string, unknown>;

/** CycloneDX 1.6 JSON: the image (or directory) as metadata.component, the OS and every package as components. */
export const cyclonedxFormatter: SbomFormatter = {
  id: 'cyclonedx',
  description: 'CycloneDX 1.6 JSON',
  extension: 'cdx.json',
  format(inventory, context) {
    const subjectRef = 'subject';
    const osRef = inventory.os ? `os:${inventory.os.id}@${inventory.os.versionId ?? 'unknown'}` : undefined;
    const components: Json[] = [];
    if (inventory.os && osRef) {
      components.push({
        type: 'operating-system',
        'bom-ref': osRef,
        name: inventory.os.id,
        ...(inventory.os.versionId ? { version: inventory.os.versionId } : {}),
        ...(inventory.os.prettyName ? { description: inventory.os.prettyName } : {}),
      });
    }
    const packageRefs: string[] = [];
    for (const pkg of inventory.packages) {
      const ref = `${pkg.purl}#${packageKey(pkg)}`;
      packageRefs.push(ref);
      components.push(componentOf(pkg, ref));
    }
    const bom = {
      $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      serialNumber: `urn:uuid:${stableUuid(subjectKey(inventory), context.generatedAt)}`,
      version: 1,
      metadata: {
        timestamp: context.generatedAt,
        tools: { components: [{ type: 'application', name: 'kubeward', version: context.toolVersion }] },
        component: subjectComponent(inventory, subjectRef),
      },
      components,
      dependencies: [
        { ref: subjectRef, dependsOn: [...(osRef ? [osRef] : []), ...packageRefs] },
        ...(osRef
          ? [
              {
                ref: osRef,
                dependsOn: inventory.packages.filter(isOsPackage).map((p) => `${p.purl}#${packageKey(p)}`),
              },
            ]
          : []),
      ],
    };
    return `${JSON.stringify(bom, null, 2)}\n`;
  },
};

function subjectComponent(inventory: Inventory, ref: string): Json {
  const s = inventory.subject;
  if (s.kind === 'directory')
    return {
      type: 'application',
      'bom-ref': ref,
      name: s.name,
      properties: [{ name: 'kubeward:directory', value: s.path }],
    };
  const [algorithm, hex] = s.manifestDigest.split(':');
  return {
    type: 'container',
    'bom-ref': ref,
    name: s.repository ?? s.name,
    ...(s.tags[0] ? { version: s.tags[0] } : {}),
    ...(algorithm === 'sha256' && hex ? { hashes: [{ alg: 'SHA-256', content: hex }] } : {}),
    properties: [
      { name: 'kubeward:image:manifest-digest', value: s.manifestDigest },
      { name: 'kubeward:image:config-digest', value: s.configDigest },
      ...(s.platform
        ? [
            {
              name: 'kubeward:image:platform',
              value: [s.platform.os, s.platform.architecture, s.platform.variant].filter(Boolean).join('/'),
            },
          ]
        : []),
      ...s.layers.map((l) => ({
        name: 'kubeward:image:layer',
        value: `${l.index}:${l.digest}${l.diffId ? ` diff_id=${l.diffId}` : ''}`,
      })),
    ],
  };
}

function componentOf(pkg: Package, ref: string): Json {
  const properties = [
    { name: 'kubeward:ecosystem', value: pkg.ecosystem },
    { name: 'kubeward:found-by', value: pkg.foundBy },
    ...(pkg.sourceName
      ? [{ name: 'kubeward:source-package', value: `${pkg.sourceName} ${pkg.sourceVersion ?? pkg.version}` }]
      : []),
    ...(pkg.layer ? [{ name: 'kubeward:layer:digest', value: pkg.layer.digest }] : []),
    ...(pkg.layer?.diffId ? [{ name: 'kubeward:layer:diff-id', value: pkg.layer.diffId }] : []),
    ...(pkg.dev ? [{ name: 'kubeward:dev-dependency', value: 'true' }] : []),
  ];
  return {
    type: 'library',
    'bom-ref': ref,
    ...(pkg.namespace && pkg.kind !== 'golang' ? { group: pkg.namespace } : {}),
    name: pkg.name,
    version: pkg.version,
    purl: pkg.purl,
    ...(pkg.licenses ? { licenses: licensesOf(pkg.licenses) } : {}),
    evidence: { occurrences: [{ location: `/${pkg.path}` }] },
    properties,
  };
}

/** One SPDX expression goes in `expression`; anything else is a free-text licence name. */
function licensesOf(licenses: string[]): Json[] {
  if (licenses.length === 1 && / (AND|OR|WITH) /.test(licenses[0] ?? ''))
    return [{ expression: licenses[0] }];
  return licenses.map((name) => ({ license: { name } }));
}

function isOsPackage(p: Package): boolean {
  return p.kind === 'deb' || p.kind === 'apk' || p.kind === 'rpm';
}
