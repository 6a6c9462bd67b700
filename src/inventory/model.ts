/** Package URL types kubeward reports; each maps to one OSV ecosystem (see ecosystem.ts). */
export type PackageKind =
  | 'deb'
  | 'apk'
  | 'rpm'
  | 'npm'
  | 'pypi'
  | 'golang'
  | 'maven'
  | 'cargo'
  | 'gem'
  | 'nuget'
  | 'composer'
  | 'pub'
  | 'hex';

/** A package as an analyzer sees it in one file, before the OS and the file's location are known. */
export interface FoundPackage {
  kind: PackageKind;
  name: string;
  version: string;
  /** Maven group, Go module path prefix, Composer vendor: the purl namespace where the type has one. */
  namespace?: string;
  arch?: string;
  /** RPM header fields, kept apart because purls and OSV want them split. */
  epoch?: number;
  release?: string;
  /** The source package (Debian source, apk origin, source RPM): distro advisories are keyed by it. */
  sourceName?: string;
  sourceVersion?: string;
  licenses?: string[];
  /** Development-only dependency according to the lockfile. */
  dev?: boolean;
}

export interface OsInfo {
  /** `ID` of os-release: debian, ubuntu, alpine, rhel, azurelinux, ... */
  id: string;
  versionId?: string;
  name?: string;
  prettyName?: string;
  codename?: string;
  /** `ID_LIKE`, e.g. ["rhel", "fedora"]. */
  idLike?: string[];
}

/** Where a package was found. */
export interface PackageLocation {
  /** File inside the image root or the scanned directory, without a leading slash. */
  path: string;
  /** Layer that holds the file (images only). */
  layer?: { index: number; digest: string; diffId?: string };
}

export interface Package extends FoundPackage, PackageLocation {
  /** OSV ecosystem name: Debian, Alpine, npm, PyPI, Go, Maven, crates.io, ... */
  ecosystem: string;
  purl: string;
  /** Which analyzer found it. */
  foundBy: string;
}

export interface ImageSubject {
  kind: 'image';
  name: string;
  manifestDigest: string;
  configDigest: string;
  repository?: string;
  tags: string[];
  platform?: { os: string; architecture: string; variant?: string };
  layers: { index: number; digest: string; diffId?: string; size: number; mediaType: string }[];
}

export interface DirectorySubject {
  kind: 'directory';
  name: string;
  path: string;
}

/** Everything an SBOM formatter needs. */
export interface Inventory {
  subject: ImageSubject | DirectorySubject;
  os?: OsInfo;
  packages: Package[];
  warnings: string[];
  analyzers: { id: string; version: number }[];
}
