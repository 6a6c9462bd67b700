import { PackageURL } from 'packageurl-js';
import type { FoundPackage, OsInfo, PackageKind } from './model.js';

const LANGUAGE_ECOSYSTEMS: Record<Exclude<PackageKind, 'deb' | 'apk' | 'rpm'>, string> = {
  npm: 'npm',
  pypi: 'PyPI',
  golang: 'Go',
  maven: 'Maven',
  cargo: 'crates.io',
  gem: 'RubyGems',
  nuget: 'NuGet',
  composer: 'Packagist',
  pub: 'Pub',
  hex: 'Hex',
};

/** os-release ID -> OSV ecosystem and purl namespace for RPM distributions. */
const RPM_DISTROS: Record<string, { ecosystem: string; namespace: string }> = {
  rhel: { ecosystem: 'Red Hat', namespace: 'redhat' },
  centos: { ecosystem: 'Red Hat', namespace: 'centos' },
  rocky: { ecosystem: 'Rocky Linux', namespace: 'rocky' },
  almalinux: { ecosystem: 'AlmaLinux', namespace: 'almalinux' },
  fedora: { ecosystem: 'Fedora', namespace: 'fedora' },
  amzn: { ecosystem: 'Amazon Linux', namespace: 'amazon' },
  ol: { ecosystem: 'Oracle Linux', namespace: 'oracle' },
  mariner: { ecosystem: 'Mariner', namespace: 'mariner' },
  azurelinux: { ecosystem: 'Azure Linux', namespace: 'azurelinux' },
  sles: { ecosystem: 'SUSE', namespace: 'suse' },
  'opensuse-leap': { ecosystem: 'openSUSE', namespace: 'opensuse' },
  'opensuse-tumbleweed': { ecosystem: 'openSUSE', namespace: 'opensuse' },
  photon: { ecosystem: 'Photon OS', namespace: 'photon' },
};

const APK_DISTROS: Record<string, string> = { alpine: 'Alpine', wolfi: 'Wolfi', chainguard: 'Chainguard' };

/** OSV ecosystem name for a package, which for OS packages depends on the distribution. */
export function ecosystemOf(kind: PackageKind, os: OsInfo | undefined): string {
  switch (kind) {
    case 'deb':
      return os?.id === 'ubuntu' ? 'Ubuntu' : 'Debian';
    case 'apk':
      return APK_DISTROS[os?.id ?? ''] ?? 'Alpine';
    case 'rpm':
      return rpmDistro(os)?.ecosystem ?? 'Red Hat';
    default:
      return LANGUAGE_ECOSYSTEMS[kind];
  }
}

/** Full version string as OSV compares it: RPM `epoch:version-release`, others as found. */
export function fullVersion(pkg: FoundPackage): string {
  if (pkg.kind !== 'rpm') return pkg.version;
  const evr = pkg.release ? `${pkg.version}-${pkg.release}` : pkg.version;
  return pkg.epoch ? `${pkg.epoch}:${evr}` : evr;
}

/** Package URL per the purl spec's type rules, with `distro` qualifiers for OS packages. */
export function purlOf(pkg: FoundPackage, os: OsInfo | undefined): string {
  const distro = os ? [os.id, os.versionId].filter(Boolean).join('-') : undefined;
  const qualifiers: Record<string, string> = {};
  let namespace = pkg.namespace;
  let name = pkg.name;
  let version = pkg.version;
  switch (pkg.kind) {
    case 'deb':
      namespace = os?.id === 'ubuntu' ? 'ubuntu' : 'debian';
      if (pkg.arch) qualifiers['arch'] = pkg.arch;
      if (distro) qualifiers['distro'] = distro;
      break;
    case 'apk':
      namespace = os && APK_DISTROS[os.id] ? os.id : 'alpine';
      if (pkg.arch) qualifiers['arch'] = pkg.arch;
      if (distro) qualifiers['distro'] = distro;
      break;
    case 'rpm':
      namespace = rpmDistro(os)?.namespace ?? os?.id ?? 'redhat';
      version = pkg.release ? `${pkg.version}-${pkg.release}` : pkg.version;
      if (pkg.arch) qualifiers['arch'] = pkg.arch;
      if (pkg.epoch) qualifiers['epoch'] = String(pkg.epoch);
      if (distro) qualifiers['distro'] = distro;
      break;
    case 'npm':
      if (name.startsWith('@') && name.includes('/')) {
        namespace = name.slice(0, name.indexOf('/'));
        name = name.slice(name.indexOf('/') + 1);
      }
      break;
    case 'pypi':
      // The purl spec lowercases PyPI names and treats '_' as '-'.
      name = name.toLowerCase().replace(/[._]+/g, '-');
      break;
    case 'golang': {
      const slash = name.lastIndexOf('/');
      if (slash > 0) {
        namespace = name.slice(0, slash);
        name = name.slice(slash + 1);
      }
      break;
    }
    case 'composer':
      if (!namespace && name.includes('/')) {
        namespace = name.slice(0, name.indexOf('/'));
        name = name.slice(name.indexOf('/') + 1);
      }
      break;
    default:
      break;
  }
  return new PackageURL(
    pkg.kind,
    namespace ?? undefined,
    name,
    version || undefined,
    Object.keys(qualifiers).length > 0 ? qualifiers : undefined,
    undefined,
  ).toString();
}

function rpmDistro(os: OsInfo | undefined): { ecosystem: string; namespace: string } | undefined {
  if (!os) return undefined;
  return RPM_DISTROS[os.id] ?? os.idLike?.map((id) => RPM_DISTROS[id]).find(Boolean);
}
