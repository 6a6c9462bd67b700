import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { detectVulnerabilities } from '../../src/detect/detect.js';
import type { VulnMatch } from '../../src/detect/model.js';
import type { Inventory, OsInfo, Package } from '../../src/inventory/model.js';
import { memoryVulnSource } from '../../src/vulndb/memory-source.js';
import { type OsvRecord, parseOsvRecord } from '../../src/vulndb/osv.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'osv');

function load(dir: string): OsvRecord[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? load(join(dir, e.name))
      : e.name.endsWith('.json')
        ? [parseOsvRecord(readFileSync(join(dir, e.name), 'utf8'), e.name)]
        : [],
  );
}

const source = memoryVulnSource([
  ...load(join(FIXTURES, 'real', 'records')),
  ...load(join(FIXTURES, 'synthetic')),
]);

function pkg(p: Partial<Package> & Pick<Package, 'kind' | 'name' | 'version' | 'ecosystem'>): Package {
  return { purl: `pkg:${p.kind}/${p.name}@${p.version}`, path: 'var/lib/dpkg/status', foundBy: 'test', ...p };
}

function inventory(os: OsInfo | undefined, packages: Package[]): Inventory {
  return {
    subject: { kind: 'directory', name: 't', path: '/t' },
    ...(os ? { os } : {}),
    packages,
    warnings: [],
    analyzers: [],
  };
}

const debian12 = { id: 'debian', versionId: '12' };

function byKey(matches: VulnMatch[]): Map<string, VulnMatch> {
  return new Map(matches.map((m) => [`${m.package.name}:${m.id}`, m]));
}

test('Debian 12: source-package matching, release filter, vendor status and severity source', () => {
  const result = detectVulnerabilities(
    inventory(debian12, [
      pkg({
        kind: 'deb',
        name: 'libc6',
        version: '2.36-9+deb12u14',
        sourceName: 'glibc',
        ecosystem: 'Debian',
      }),
      pkg({
        kind: 'deb',
        name: 'zlib1g',
        version: '1:1.2.13.dfsg-1',
        sourceName: 'zlib',
        ecosystem: 'Debian',
      }),
      pkg({
        kind: 'deb',
        name: 'bash',
        version: '5.2.15-2+b13',
        sourceName: 'bash',
        sourceVersion: '5.2.15-2',
        ecosystem: 'Debian',
      }),
      pkg({ kind: 'deb', name: 'tar', version: '1.34+dfsg-1.2+deb12u1', ecosystem: 'Debian' }),
      pkg({
        kind: 'deb',
        name: 'libsystemd0',
        version: '252.39-1~deb12u2',
        sourceName: 'systemd',
        sourceVersion: '252.39-1~deb12u2',
        ecosystem: 'Debian',
      }),
    ]),
    source,
  );
  const m = byKey(result.matches);
  assert.deepEqual([...m.keys()].sort(), [
    'bash:x_DEBIAN-CVE-0000-0003',
    'libc6:x_DEBIAN-CVE-0000-0001',
    'libsystemd0:x_DEBIAN-CVE-0000-0005',
    'zlib1g:x_DEBIAN-CVE-0000-0002',
  ]);
  const glibc = m.get('libc6:x_DEBIAN-CVE-0000-0001');
  assert.deepEqual(glibc?.matchedOn, { ecosystem: 'Debian:12', name: 'glibc', version: '2.36-9+deb12u14' });
  assert.deepEqual([glibc?.status, glibc?.fixedIn], ['fixed', ['2.36-9+deb12u99']]);
  assert.deepEqual(glibc?.severity, {
    level: 'high',
    score: 7.8,
    vector: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H',
    source: 'CVSS:3.1',
  });
  // The DSA names the DEBIAN-CVE record as upstream: folded in, not counted twice.
  assert.deepEqual(glibc?.advisories, ['x_DSA-0000-1']);
  assert.deepEqual(glibc?.aliases, ['CVE-0000-0001']);
  const zlib = m.get('zlib1g:x_DEBIAN-CVE-0000-0002');
  assert.deepEqual(
    [zlib?.status, zlib?.statusReason, zlib?.severity.level, zlib?.severity.source],
    ['will-not-fix', 'urgency: unimportant', 'low', 'Debian urgency'],
  );
  const systemd = m.get('libsystemd0:x_DEBIAN-CVE-0000-0005');
  assert.deepEqual([systemd?.status, systemd?.severity], ['not-fixed', { level: 'unknown', source: 'none' }]);
  // Matched on the source version, not the binNMU binary version.
  assert.equal(m.get('bash:x_DEBIAN-CVE-0000-0003')?.matchedOn.version, '5.2.15-2');
});

test('a Debian record for another release, or a query on the bare ecosystem, does not match', () => {
  const tar = pkg({ kind: 'deb', name: 'tar', version: '1.34+dfsg-1', ecosystem: 'Debian' });
  assert.equal(
    detectVulnerabilities(inventory({ id: 'debian', versionId: '12' }, [tar]), source).matches.length,
    0,
  );
  assert.equal(
    detectVulnerabilities(inventory({ id: 'debian', versionId: '11' }, [tar]), source).matches[0]?.id,
    'x_DEBIAN-CVE-0000-0004',
  );
  const noRelease = detectVulnerabilities(inventory({ id: 'debian' }, [tar]), source);
  assert.equal(noRelease.matches.length, 0);
  assert.match(noRelease.warnings[0] ?? '', /release unknown/);
});

test('Alpine 3.19.x matches Alpine:v3.19 entries by origin package', () => {
  const busybox = pkg({
    kind: 'apk',
    name: 'busybox-binsh',
    version: '1.36.1-r15',
    sourceName: 'busybox',
    ecosystem: 'Alpine',
  });
  const r319 = detectVulnerabilities(inventory({ id: 'alpine', versionId: '3.19.1' }, [busybox]), source);
  assert.deepEqual(
    r319.matches.map((m) => [m.id, m.fixedIn]),
    [['x_ALPINE-CVE-0000-0002', ['1.36.1-r99']]],
  );
  const r321 = detectVulnerabilities(inventory({ id: 'alpine', versionId: '3.21.0' }, [busybox]), source);
  assert.equal(r321.matches.length, 0);
});

test('Ubuntu 22.04 matches Ubuntu:22.04:LTS by source package (real record)', () => {
  const libc = pkg({
    kind: 'deb',
    name: 'libc6',
    version: '2.35-0ubuntu3.1',
    sourceName: 'glibc',
    ecosystem: 'Ubuntu',
  });
  const r = detectVulnerabilities(inventory({ id: 'ubuntu', versionId: '22.04' }, [libc]), source);
  assert.deepEqual(
    r.matches.map((m) => [m.id, m.status, m.fixedIn, m.severity.level]),
    [['CVE-2023-4911', 'fixed', ['2.35-0ubuntu3.4'], 'high']],
  );
});

test('npm: real GHSA records, several affected entries per package', () => {
  const r = detectVulnerabilities(
    inventory(undefined, [
      pkg({ kind: 'npm', name: 'lodash', version: '4.17.20', ecosystem: 'npm' }),
      pkg({ kind: 'npm', name: 'minimist', version: '1.2.5', ecosystem: 'npm' }),
      pkg({ kind: 'npm', name: 'minimist', version: '1.2.8', ecosystem: 'npm' }),
    ]),
    source,
  );
  assert.deepEqual(
    r.matches
      .map((m) => [m.package.name, m.package.version, m.id, m.fixedIn.join(), m.severity.source])
      .sort(),
    [
      ['lodash', '4.17.20', 'GHSA-35jh-r3h4-6jhm', '4.17.21', 'CVSS:3.1'],
      ['minimist', '1.2.5', 'GHSA-xvch-5gv4-984h', '1.2.6', 'CVSS:3.1'],
    ],
  );
});

test('Go: aliases merge GO and GHSA records into one match; the Go stdlib matches at the binary Go version', () => {
  const r = detectVulnerabilities(
    inventory(undefined, [
      pkg({
        kind: 'golang',
        name: 'golang.org/x/net',
        version: 'v0.10.0',
        ecosystem: 'Go',
        path: 'usr/bin/app',
      }),
      pkg({ kind: 'golang', name: 'stdlib', version: 'v1.21.1', ecosystem: 'Go', path: 'usr/bin/app' }),
    ]),
    source,
  );
  const xnet = r.matches.filter((m) => m.package.name === 'golang.org/x/net');
  assert.equal(xnet.length, 1, 'GO-2023-2102 and GHSA-4374-p667-p6c8 were reported twice');
  assert.equal(xnet[0]?.id, 'GHSA-4374-p667-p6c8', 'the record with a CVSS vector represents the pair');
  assert.deepEqual(xnet[0]?.aliases, ['CVE-2023-39325', 'GO-2023-2102']);
  const stdlib = r.matches.filter((m) => m.package.name === 'stdlib').map((m) => [m.id, m.fixedIn.join()]);
  assert.ok(
    stdlib.some(([id, fix]) => id === 'GO-2023-2102' && fix === '1.21.3'),
    JSON.stringify(stdlib),
  );
});

test('withdrawn records never match; last_affected gives not-fixed; CVSS v4 preferred over v3', () => {
  const r = detectVulnerabilities(
    inventory(undefined, [
      pkg({ kind: 'pypi', name: 'arrayfire', version: '3.3.20160624', ecosystem: 'PyPI' }),
      pkg({ kind: 'pypi', name: 'py', version: '1.11.0', ecosystem: 'PyPI' }),
      pkg({
        kind: 'maven',
        namespace: 'org.apache.commons',
        name: 'commons-compress',
        version: '1.21',
        ecosystem: 'Maven',
      }),
    ]),
    source,
  );
  const m = byKey(r.matches);
  assert.ok(![...m.keys()].some((k) => k.startsWith('arrayfire')));
  assert.deepEqual(
    [m.get('py:PYSEC-2022-42969')?.status, m.get('py:PYSEC-2022-42969')?.statusReason],
    ['not-fixed', 'last affected 1.11.0'],
  );
  const compress = m.get('commons-compress:GHSA-4265-ccf5-phj5');
  assert.equal(compress?.severity.source, 'CVSS:4.0');
});
