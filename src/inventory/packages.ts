import type { FileResult } from './file-results.js';
import type { OsInfo, Package, PackageLocation } from './model.js';
import { ecosystemOf, purlOf } from './purl.js';

/** Turn visible file results into the final package list: ecosystem and purl need the OS, known only now. */
export function finalizePackages(
  found: readonly { result: FileResult; layer?: PackageLocation['layer'] }[],
  os: OsInfo | undefined,
): Package[] {
  const packages: Package[] = [];
  for (const { result, layer } of found) {
    for (const pkg of result.packages) {
      packages.push({
        ...pkg,
        ecosystem: ecosystemOf(pkg.kind, os),
        purl: purlOf(pkg, os),
        path: result.path,
        ...(layer ? { layer } : {}),
        foundBy: result.analyzer,
      });
    }
  }
  return packages.sort(comparePackages);
}

export function comparePackages(a: Package, b: Package): number {
  return (
    cmp(a.ecosystem, b.ecosystem) ||
    cmp(a.name, b.name) ||
    cmp(a.version, b.version) ||
    cmp(a.path, b.path) ||
    cmp(a.arch ?? '', b.arch ?? '')
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
