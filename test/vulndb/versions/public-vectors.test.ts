import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { compareVersions } from '../../../src/vulndb/versions/index.js';
import type { Vector } from './vectors.js';
import { assertVectors, readVectorFile } from './vectors.js';

const dir = fileURLToPath(new URL('../../fixtures/version-compare/', import.meta.url));

const files: [file: string, ecosystems: string[]][] = [
  ['debian-versions.txt', ['Debian', 'Ubuntu:22.04:LTS']],
  ['debian-versions-generated.txt', ['Debian:12']],
  ['alpine-versions.txt', ['Alpine']],
  ['alpine-versions-generated.txt', ['Alpine:v3.19']],
  ['redhat-versions.txt', ['Red Hat', 'AlmaLinux:9', 'Rocky Linux', 'SUSE:Linux Enterprise Server 15 SP5']],
  ['maven-versions.txt', ['Maven']],
  ['maven-versions-generated.txt', ['Maven']],
  ['pypi-versions.txt', ['PyPI']],
  ['pypi-versions-generated.txt', ['PyPI']],
  ['rubygems-versions.txt', ['RubyGems']],
  ['rubygems-versions-generated.txt', ['RubyGems']],
  ['nuget-versions.txt', ['NuGet']],
  ['semver-versions.txt', ['npm', 'Go', 'Hex']],
];

/**
 * Lines where kubeward follows the ecosystem's current tool rather than the fixture, with the ordering it gives.
 * Alpine: these strings are malformed; apk-tools 3 stops comparing at the first invalid token, while the
 * fixture follows apk-tools 2. Maven: Maven 3.9+ (MNG-7644: `1.0.X1` sorts like `1.0-X1`) and the current
 * ComparableVersion (qualifier+number combinations such as `rc2`, `sp-1`) order these differently from the
 * Maven 3.8 rules that osv.dev and the POM reference's examples still use.
 */
const deviations: Record<string, Vector[]> = {
  'alpine-versions.txt': [
    ['1-r', '<', '1-r0'],
    ['0..1..0', '=', '0..1..1'],
    ['0...1...0', '=', '0...1...1'],
    ['0...1...0.r1', '=', '0...1...0.r2'],
    ['0...1...0r1', '=', '0...1...0r2'],
    ['0..8', '=', '0...8'],
    ['0.8.21.r2', '=', '0.8.21.r1'],
    ['1-r0-1', '>', '1-r-2'],
    ['.2', '=', '.1'],
    ['a', '=', 'b'],
    ['c', '=', 'b'],
  ],
  'maven-versions.txt': [
    ['1-1.foo-bar-1-baz-0.1', '>', '1-1.foo-bar1baz-.1'],
    ['1-1', '>', '1-ga-1'],
  ],
  'maven-versions-generated.txt': [
    ['3.2.0rc2', '>', '3.2.0-rc.1'],
    ['1.0.0-RC16', '>', '1.0.0.RC8-beta'],
    ['1.0.0-gradle-rework-beta3', '>', '1.0.0.RC7-3'],
    ['2.9.0-1', '>', '2.9.0.RC1'],
    ['6.1.12.rc5', '>', '6.1.12rc1'],
    ['1.0.0-beta11', '>', '1.0.0-beta.6'],
    ['1.1.31.sec10', '>', '1.1.31_noneautotype'],
    ['1.1.34.sec10', '>', '1.1.34_noneautotype'],
    ['1.1.46.sec10', '>', '1.1.46_noneautotype'],
    ['1.2.8.sec10_noneautotype', '>', '1.2.8_noneautotype'],
    ['1.2.31.sec10', '>', '1.2.31_noneautotype'],
    ['1.2.48.sec10', '>', '1.2.48_noneautotype'],
    ['1.2.50.sec10', '>', '1.2.50_noneautotype'],
    ['1.2.54.sec10', '>', '1.2.54_noneautotype'],
    ['1.2.57.sec10', '>', '1.2.57_noneautotype'],
    ['1.2.60.sec10', '>', '1.2.60_noneautotype'],
    ['1.2.67.sec10', '>', '1.2.67_noneautotype'],
    ['1.0.0rc0', '>', '1.0.beta8'],
    ['1.5.9.RC1', '>', '1.5.9-RC0'],
    ['3.5.0-CR-2', '>', '3.5.0.Beta-1'],
    ['1.1.0-01-glassfish', '>', '1.1.0.Beta1'],
    ['v3.7.0rc2', '>', 'v3.7.0-rc.3'],
  ],
};

for (const [file, ecosystems] of files) {
  test(`public vectors: ${file}`, () => {
    const vectors = readVectorFile(dir + file);
    const overrides = deviations[file] ?? [];
    const key = (a: string, b: string): string => `${a}\u0000${b}`;
    const byPair = new Map(overrides.map((v) => [key(v[0], v[2]), v]));
    const used = new Set<string>();
    const expected = vectors.map((v): Vector => {
      const override = byPair.get(key(v[0], v[2]));
      if (!override) return v;
      used.add(key(v[0], v[2]));
      return override;
    });
    assert.deepEqual(
      [...byPair.keys()].filter((k) => !used.has(k)),
      [],
      'every listed deviation is in the file',
    );
    assert.ok(vectors.length > 0);
    for (const ecosystem of ecosystems) assertVectors((a, b) => compareVersions(ecosystem, a, b), expected);
  });
}

test('public vectors: each ordering is consistent (sorting agrees with sampled pairs)', () => {
  const failures: string[] = [];
  for (const [file, [ecosystem]] of files) {
    const compare = (a: string, b: string): number => compareVersions(ecosystem as string, a, b);
    const versions = [...new Set(readVectorFile(dir + file).flatMap((v) => [v[0], v[2]]))];
    const sorted = [...versions].sort(compare);
    // Deterministic pseudo-random pairs (LCG) plus every adjacent pair.
    let seed = 12345;
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) % sorted.length;
    const pairs: [number, number][] = sorted.slice(1).map((_, i) => [i, i + 1]);
    for (let k = 0; k < 5000; k++) pairs.push([next(), next()]);
    for (const [x, y] of pairs) {
      const [i, j] = x < y ? [x, y] : [y, x];
      if (i !== j && compare(sorted[i] as string, sorted[j] as string) > 0) {
        failures.push(`${file}: ${sorted[i]} sorted before ${sorted[j]} but compares greater`);
      }
    }
  }
  assert.deepEqual(failures.slice(0, 10), []);
});

const generated: [file: string, ecosystem: string][] = [
  ['dpkg-random.txt', 'Debian'],
  ['rpm-random.txt', 'Red Hat'],
  ['pep440-random.txt', 'PyPI'],
  ['rubygems-random.txt', 'RubyGems'],
];

for (const [file, ecosystem] of generated) {
  test(`tool-generated vectors: ${file}`, () => {
    const vectors = readVectorFile(`${dir}generated-by-tools/${file}`);
    assert.ok(vectors.length >= 2000);
    assertVectors((a, b) => compareVersions(ecosystem, a, b), vectors);
  });
}
