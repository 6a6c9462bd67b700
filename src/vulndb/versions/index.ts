import { InputError } from '../../core/errors.js';
import { createRegistry } from '../../core/registry.js';
import { apkComparator } from './apk.js';
import { cargoComparator } from './cargo.js';
import type { Ordering, VersionComparator } from './comparator.js';
import { composerComparator } from './composer.js';
import { dpkgComparator } from './dpkg.js';
import { genericComparator } from './generic.js';
import { goComparator } from './go.js';
import { mavenComparator } from './maven.js';
import { nugetComparator } from './nuget.js';
import { pep440Comparator } from './pep440.js';
import { pubComparator } from './pub.js';
import { rpmComparator } from './rpm.js';
import { rubyGemsComparator } from './rubygems.js';
import { npmComparator } from './semver.js';

export type { Ordering, VersionComparator } from './comparator.js';
export { compareGeneric } from './generic.js';

/** The one list of comparators. Each names the OSV ecosystems it serves; an ecosystem may be claimed once. */
export const COMPARATORS: readonly VersionComparator[] = [
  dpkgComparator,
  apkComparator,
  rpmComparator,
  npmComparator,
  pep440Comparator,
  mavenComparator,
  goComparator,
  rubyGemsComparator,
  nugetComparator,
  cargoComparator,
  composerComparator,
  pubComparator,
  genericComparator,
];

export const comparatorRegistry = createRegistry('version comparator', COMPARATORS, (c) => c.id);

const ecosystemRegistry = createRegistry(
  'version comparator ecosystem',
  COMPARATORS.flatMap((comparator) => comparator.ecosystems.map((ecosystem) => ({ ecosystem, comparator }))),
  (entry) => entry.ecosystem,
);

const byLowerCase = new Map(ecosystemRegistry.items.map((e) => [e.ecosystem.toLowerCase(), e.comparator]));

/** OSV ecosystem names that have a comparator, in registry order. */
export function supportedEcosystems(): string[] {
  return ecosystemRegistry.keys();
}

/**
 * The comparator for an OSV ecosystem string. A release suffix is ignored (`Debian:12`, `Alpine:v3.19`,
 * `SUSE:Linux Enterprise Server 15 SP5`, `Red Hat:enterprise_linux:9::appstream`): versions within one
 * distribution family share one ordering.
 */
export function comparatorFor(ecosystem: string): VersionComparator | undefined {
  const colon = ecosystem.indexOf(':');
  const base = (colon < 0 ? ecosystem : ecosystem.slice(0, colon)).trim();
  return ecosystemRegistry.get(base)?.comparator ?? byLowerCase.get(base.toLowerCase());
}

/** Compares two versions of one OSV ecosystem: -1 when `a` is older, 0 when equal, 1 when newer. */
export function compareVersions(ecosystem: string, a: string, b: string): Ordering {
  const comparator = comparatorFor(ecosystem);
  if (!comparator) {
    throw new InputError(
      `no version comparator for ecosystem "${ecosystem}" (supported: ${supportedEcosystems().join(', ')})`,
    );
  }
  return comparator.compare(a, b);
}
