import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/core/errors.js';
import { applyVex, parseVexDocument, purlMatches } from '../../src/policy/vex.js';

const IMAGE_DIGEST = 'sha256:' + 'a'.repeat(64);
const subject = {
  names: ['registry.example.com/team/app:1.0', 'registry.example.com/team/app'],
  digest: IMAGE_DIGEST,
};
const libc = {
  id: 'DEBIAN-CVE-2023-4911',
  aliases: ['CVE-2023-4911'],
  purl: 'pkg:deb/debian/libc6@2.36-9%2Bdeb12u1?arch=amd64&distro=debian-12',
};
const lodash = { id: 'GHSA-35jh-r3h4-6jhm', aliases: ['CVE-2021-23337'], purl: 'pkg:npm/lodash@4.17.20' };

const doc = (statements: unknown[], timestamp = '2026-01-01T00:00:00Z') => ({
  '@context': 'https://openvex.dev/ns/v0.2.0',
  '@id': 'https://example.com/vex/1',
  author: 'security@example.com',
  timestamp,
  version: 1,
  statements,
});

test('not_affected for an image product with a package subcomponent suppresses (by alias)', () => {
  const statements = parseVexDocument(
    doc([
      {
        vulnerability: { name: 'CVE-2023-4911' },
        products: [
          {
            '@id': `pkg:oci/app@${encodeURIComponent(IMAGE_DIGEST)}`,
            subcomponents: [{ '@id': 'pkg:deb/debian/libc6' }],
          },
        ],
        status: 'not_affected',
        justification: 'vulnerable_code_not_in_execute_path',
      },
    ]),
    'vex.json',
  );
  const d = applyVex([libc, lodash], statements, subject);
  assert.deepEqual(
    d.kept.map((k) => k.id),
    ['GHSA-35jh-r3h4-6jhm'],
  );
  assert.equal(d.suppressed[0]?.statement.justification, 'vulnerable_code_not_in_execute_path');
});

test('fixed suppresses; affected and under_investigation keep; the newest statement wins', () => {
  const statements = parseVexDocument(
    doc([
      {
        vulnerability: { name: 'GHSA-35jh-r3h4-6jhm' },
        products: [{ '@id': 'pkg:npm/lodash@4.17.20' }],
        status: 'fixed',
        timestamp: '2026-01-02T00:00:00Z',
      },
      {
        vulnerability: { name: 'GHSA-35jh-r3h4-6jhm' },
        products: [{ '@id': 'pkg:npm/lodash' }],
        status: 'affected',
        timestamp: '2026-01-01T00:00:00Z',
      },
      {
        vulnerability: { name: 'CVE-2023-4911' },
        products: [{ '@id': 'registry.example.com/team/app' }],
        status: 'under_investigation',
      },
    ]),
    'vex.json',
  );
  const d = applyVex([libc, lodash], statements, subject);
  assert.deepEqual(
    d.suppressed.map((s) => [s.finding.id, s.statement.status]),
    [['GHSA-35jh-r3h4-6jhm', 'fixed']],
  );
  assert.deepEqual(
    d.kept.map((k) => k.id),
    ['DEBIAN-CVE-2023-4911'],
  );
});

test('OpenVEX v0.0.1 shape (strings) is read; another image does not match', () => {
  const statements = parseVexDocument(
    {
      '@context': 'https://openvex.dev/ns',
      statements: [{ vulnerability: 'CVE-2023-4911', products: ['other/image'], status: 'not_affected' }],
    },
    'old.json',
  );
  assert.equal(applyVex([libc], statements, subject).suppressed.length, 0);
});

test('purl matching: versionless and qualifier-free patterns cover more', () => {
  const purl = 'pkg:deb/debian/libc6@2.36-9?arch=amd64&distro=debian-12';
  assert.ok(purlMatches('pkg:deb/debian/libc6', purl));
  assert.ok(purlMatches('pkg:deb/debian/libc6@2.36-9?arch=amd64', purl));
  assert.ok(!purlMatches('pkg:deb/debian/libc6@2.36-10', purl));
  assert.ok(!purlMatches('pkg:deb/debian/libc6?arch=arm64', purl));
  assert.ok(!purlMatches('pkg:deb/ubuntu/libc6', purl));
});

test('a document without statements is refused', () => {
  assert.throws(() => parseVexDocument({ author: 'x' }, 'bad.json'), ConfigError);
});
