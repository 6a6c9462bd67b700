import type { Package } from '../model.js';
import type { SbomFormatter } from './formatter.js';

/** kubeward's own JSON: `{ packages: [{ name, version, ecosystem, purl, path, ... }], os, subject }`. */
export const jsonFormatter: SbomFormatter = {
  id: 'json',
  description: 'kubeward JSON: packages with ecosystem, purl and location',
  extension: 'json',
  format(inventory, context) {
    const doc = {
      schemaVersion: 1,
      tool: { name: 'kubeward', version: context.toolVersion },
      generatedAt: context.generatedAt,
      subject: inventory.subject,
      os: inventory.os ?? null,
      packages: inventory.packages.map(packageJson),
      warnings: inventory.warnings,
    };
    return `${JSON.stringify(doc, null, 2)}\n`;
  },
};

function packageJson(p: Package): Record<string, unknown> {
  return {
    name: p.name,
    version: p.version,
    ecosystem: p.ecosystem,
    purl: p.purl,
    path: p.path,
    type: p.kind,
    ...(p.namespace ? { namespace: p.namespace } : {}),
    ...(p.epoch ? { epoch: p.epoch } : {}),
    ...(p.release ? { release: p.release } : {}),
    ...(p.arch ? { arch: p.arch } : {}),
    ...(p.sourceName ? { source: { name: p.sourceName, version: p.sourceVersion ?? p.version } } : {}),
    ...(p.licenses ? { licenses: p.licenses } : {}),
    ...(p.dev ? { dev: true } : {}),
    ...(p.layer ? { layer: p.layer } : {}),
    foundBy: p.foundBy,
  };
}
