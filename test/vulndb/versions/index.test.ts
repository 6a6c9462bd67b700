import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../../src/core/errors.js';
import {
  COMPARATORS,
  comparatorFor,
  comparatorRegistry,
  compareVersions,
  supportedEcosystems,
} from '../../../src/vulndb/versions/index.js';

const expected: Record<string, string> = {
  Debian: 'dpkg',
  Ubuntu: 'dpkg',
  Alpine: 'apk',
  Wolfi: 'apk',
  Chainguard: 'apk',
  'Red Hat': 'rpm',
  AlmaLinux: 'rpm',
  'Rocky Linux': 'rpm',
  'Azure Linux': 'rpm',
  Mariner: 'rpm',
  SUSE: 'rpm',
  openSUSE: 'rpm',
  'Photon OS': 'rpm',
  PyPI: 'pep440',
  Maven: 'maven',
  npm: 'npm',
  Go: 'go',
  RubyGems: 'rubygems',
  NuGet: 'nuget',
  'crates.io': 'cargo',
  Packagist: 'composer',
  Pub: 'pub',
  Hex: 'generic',
};

test('every OSV ecosystem maps to its comparator', () => {
  for (const [ecosystem, id] of Object.entries(expected))
    assert.equal(comparatorFor(ecosystem)?.id, id, ecosystem);
  for (const ecosystem of Object.keys(expected))
    assert.ok(supportedEcosystems().includes(ecosystem), ecosystem);
});

test('a release suffix after the first colon is ignored', () => {
  assert.equal(comparatorFor('Debian:12')?.id, 'dpkg');
  assert.equal(comparatorFor('Ubuntu:Pro:18.04:LTS')?.id, 'dpkg');
  assert.equal(comparatorFor('Alpine:v3.19')?.id, 'apk');
  assert.equal(comparatorFor('SUSE:Linux Enterprise Server 15 SP5')?.id, 'rpm');
  assert.equal(comparatorFor('Red Hat:enterprise_linux:9::appstream')?.id, 'rpm');
  assert.equal(comparatorFor('AlmaLinux:8')?.id, 'rpm');
  assert.equal(compareVersions('Debian:12', '1.0-1', '1.0-1+deb12u1'), -1);
});

test('compareVersions dispatches by ecosystem', () => {
  // The same pair orders differently under different rules.
  assert.equal(compareVersions('PyPI', '1.0.post1', '1.0'), 1);
  assert.equal(compareVersions('npm', '1.0.0-1', '1.0.0'), -1);
  assert.equal(compareVersions('Debian', '1.0~rc1', '1.0'), -1);
  assert.equal(compareVersions('Maven', '1.0-SNAPSHOT', '1.0'), -1);
  assert.equal(compareVersions('Alpine', '1.0_p1', '1.0'), 1);
});

test('an unknown ecosystem is a clear InputError', () => {
  assert.throws(
    () => compareVersions('NoSuchEcosystem', '1', '2'),
    (error: unknown) =>
      error instanceof InputError && error.code === 'INPUT' && /NoSuchEcosystem/.test(error.message),
  );
  assert.equal(comparatorFor('NoSuchEcosystem'), undefined);
});

test('the registry holds each comparator once and each ecosystem once', () => {
  assert.equal(comparatorRegistry.keys().length, COMPARATORS.length);
  const ecosystems = COMPARATORS.flatMap((c) => c.ecosystems);
  assert.equal(new Set(ecosystems).size, ecosystems.length);
});
