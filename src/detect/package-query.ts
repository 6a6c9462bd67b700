/**
 * How an installed package is looked up in OSV data: which ecosystem releases apply, under which name and
 * version. Distribution advisories are per release (`Debian:12`, `Alpine:v3.19`, `Ubuntu:22.04:LTS`); matching
 * the bare ecosystem would report fixes of other releases (osv.dev's own answers show a Debian 9 openssl
 * matching over a hundred records that way). Debian, Ubuntu and Alpine key their records by source package.
 */
import { fullVersion } from '../inventory/purl.js';
import type { OsInfo, Package } from '../inventory/model.js';
import { ecosystemBase } from '../vulndb/osv.js';

export interface PackageQuery {
  /** Ecosystem family to look up (`Debian`, `npm`, ...). */
  base: string;
  /** Names to look up (RPM records name binary or source packages, so both). */
  names: string[];
  version: string;
  /** Whether an `affected[].package.ecosystem` value applies to this package. */
  accepts: (ecosystem: string) => boolean;
}

const OS_KINDS = new Set(['deb', 'apk', 'rpm']);

/** The query for a package, or a reason why it cannot be matched. */
export function queryFor(pkg: Package, os: OsInfo | undefined): PackageQuery | { skip: string } {
  const base = pkg.ecosystem;
  if (!OS_KINDS.has(pkg.kind)) {
    return {
      base,
      names: [languageName(pkg)],
      version: pkg.version,
      accepts: (e) => ecosystemBase(e) === base,
    };
  }
  const accepts = releaseMatcher(base, os);
  if (!accepts) {
    return { skip: `${base} release unknown (os-release VERSION_ID missing): OS packages not matched` };
  }
  if (pkg.kind === 'rpm') {
    const names = [pkg.name, ...(pkg.sourceName && pkg.sourceName !== pkg.name ? [pkg.sourceName] : [])];
    return { base, names, version: fullVersion(pkg), accepts };
  }
  return { base, names: [pkg.sourceName ?? pkg.name], version: pkg.sourceVersion ?? pkg.version, accepts };
}

function languageName(pkg: Package): string {
  switch (pkg.kind) {
    case 'maven':
      return pkg.namespace ? `${pkg.namespace}:${pkg.name}` : pkg.name;
    case 'composer':
      return pkg.namespace && !pkg.name.includes('/') ? `${pkg.namespace}/${pkg.name}` : pkg.name;
    default:
      return pkg.name;
  }
}

/** Which `Ecosystem:release` strings belong to the image's OS release. */
export function releaseMatcher(
  base: string,
  os: OsInfo | undefined,
): ((ecosystem: string) => boolean) | undefined {
  const versionId = os?.versionId;
  if (!versionId) {
    // Rolling distributions publish unversioned ecosystems.
    return base === 'Wolfi' || base === 'Chainguard' ? (e) => e === base : undefined;
  }
  const major = versionId.split('.')[0] ?? versionId;
  switch (base) {
    case 'Debian':
      return (e) => e === `Debian:${major}`;
    case 'Alpine': {
      const minor = /^(\d+\.\d+)/.exec(versionId)?.[1];
      return minor ? (e) => e === `Alpine:v${minor}` : undefined;
    }
    case 'Ubuntu':
      // `Ubuntu:Pro:...` is ESM, only for subscribed machines; plain images do not get those fixes.
      return (e) => e === `Ubuntu:${versionId}` || e === `Ubuntu:${versionId}:LTS`;
    case 'Red Hat':
      // `Red Hat:enterprise_linux:9::appstream`, `Red Hat:rhel_aus:8.6::appstream`: a segment naming the major.
      return (e) =>
        ecosystemBase(e) === base &&
        e
          .split(':')
          .slice(1)
          .some((part) => part === major || part.startsWith(`${major}.`));
    default:
      return (e) => e === base || e === `${base}:${major}` || e === `${base}:${versionId}`;
  }
}
