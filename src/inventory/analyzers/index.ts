import { createRegistry } from '../../core/registry.js';
import type { FileAnalyzer } from '../analyzer.js';
import { apkInstalledAnalyzer } from './apk-installed.js';
import { bunLockAnalyzer } from './bun-lock.js';
import { cargoLockAnalyzer } from './cargo-lock.js';
import { composerLockAnalyzer } from './composer-lock.js';
import { dotnetDepsAnalyzer } from './dotnet-deps.js';
import { dpkgStatusAnalyzer } from './dpkg-status.js';
import { gemfileLockAnalyzer } from './gemfile-lock.js';
import { gemspecAnalyzer } from './gemspec.js';
import { goBinaryAnalyzer } from './go-binary.js';
import { goModAnalyzer } from './go-mod.js';
import { gradleLockfileAnalyzer } from './gradle-lockfile.js';
import { javaArchiveAnalyzer } from './java-archive.js';
import { mixLockAnalyzer } from './mix-lock.js';
import { npmPackageJsonAnalyzer } from './npm-package-json.js';
import { npmPackageLockAnalyzer } from './npm-package-lock.js';
import { nugetLockAnalyzer } from './nuget-lock.js';
import { osReleaseAnalyzer } from './os-release.js';
import { pipfileLockAnalyzer } from './pipfile-lock.js';
import { pnpmLockAnalyzer } from './pnpm-lock.js';
import { pomXmlAnalyzer } from './pom-xml.js';
import { pubspecLockAnalyzer } from './pubspec-lock.js';
import { pythonLockTomlAnalyzer } from './python-lock-toml.js';
import { pythonMetadataAnalyzer } from './python-metadata.js';
import { requirementsTxtAnalyzer } from './requirements-txt.js';
import { rpmBdbAnalyzer } from './rpm-bdb.js';
import { rpmNdbAnalyzer } from './rpm-ndb.js';
import { rpmSqliteAnalyzer } from './rpm-sqlite.js';
import { yarnLockAnalyzer } from './yarn-lock.js';

/** Every analyzer, in one explicit list; the registry rejects duplicate ids at start. */
export const analyzers = createRegistry<FileAnalyzer>(
  'analyzer',
  [
    osReleaseAnalyzer,
    dpkgStatusAnalyzer,
    apkInstalledAnalyzer,
    rpmSqliteAnalyzer,
    rpmBdbAnalyzer,
    rpmNdbAnalyzer,
    npmPackageJsonAnalyzer,
    npmPackageLockAnalyzer,
    yarnLockAnalyzer,
    pnpmLockAnalyzer,
    bunLockAnalyzer,
    pythonMetadataAnalyzer,
    pythonLockTomlAnalyzer,
    pipfileLockAnalyzer,
    requirementsTxtAnalyzer,
    goBinaryAnalyzer,
    goModAnalyzer,
    javaArchiveAnalyzer,
    pomXmlAnalyzer,
    gradleLockfileAnalyzer,
    cargoLockAnalyzer,
    gemfileLockAnalyzer,
    gemspecAnalyzer,
    nugetLockAnalyzer,
    dotnetDepsAnalyzer,
    composerLockAnalyzer,
    pubspecLockAnalyzer,
    mixLockAnalyzer,
  ],
  (a) => a.id,
);

export type ScanKind = 'image' | 'directory';

/** Image scans read installed state only; directory scans (source checkouts, unpacked roots) read everything. */
export function analyzersFor(kind: ScanKind, only?: readonly string[]): FileAnalyzer[] {
  return analyzers.items.filter(
    (a) => (kind === 'directory' || a.evidence === 'installed') && (!only || only.includes(a.id)),
  );
}
