import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ImageReference } from '../../../src/checks/workload/image-reference.js';
import {
  isAllowedImage,
  normaliseRegistryPattern,
  parseImageReference,
} from '../../../src/checks/workload/image-reference.js';

interface ParseCase {
  image: string;
  expected: ImageReference | undefined;
}

const DIGEST = 'sha256:4b1e6a1f0d6a7c0f4b7e1c2d3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b';

const parseCases = [
  { image: 'nginx', expected: { registry: 'docker.io', repository: 'library/nginx' } },
  { image: 'nginx:1.27', expected: { registry: 'docker.io', repository: 'library/nginx', tag: '1.27' } },
  { image: 'bitnami/redis:7', expected: { registry: 'docker.io', repository: 'bitnami/redis', tag: '7' } },
  { image: 'docker.io/nginx', expected: { registry: 'docker.io', repository: 'library/nginx' } },
  {
    image: 'index.docker.io/library/nginx',
    expected: { registry: 'docker.io', repository: 'library/nginx' },
  },
  {
    image: 'MyRegistry.azurecr.io/team/app:2.0',
    expected: { registry: 'myregistry.azurecr.io', repository: 'team/app', tag: '2.0' },
  },
  { image: 'localhost:5000/app', expected: { registry: 'localhost:5000', repository: 'app' } },
  { image: 'localhost/app:dev', expected: { registry: 'localhost', repository: 'app', tag: 'dev' } },
  {
    image: `ghcr.io/org/app:1.0@${DIGEST}`,
    expected: { registry: 'ghcr.io', repository: 'org/app', tag: '1.0', digest: DIGEST },
  },
  {
    image: `nginx@${DIGEST}`,
    expected: { registry: 'docker.io', repository: 'library/nginx', digest: DIGEST },
  },
  { image: '  ', expected: undefined },
] satisfies ParseCase[];

describe('parseImageReference', () => {
  for (const { image, expected } of parseCases) {
    it(`parses "${image}"`, () => assert.deepEqual(parseImageReference(image), expected));
  }
});

interface AllowCase {
  image: string;
  allowed: string[];
  expected: boolean;
}

const allowCases = [
  { image: 'nginx', allowed: ['docker.io'], expected: true },
  { image: 'nginx', allowed: ['index.docker.io'], expected: true },
  { image: 'nginx', allowed: ['docker.io/library'], expected: true },
  { image: 'bitnami/nginx', allowed: ['docker.io/library'], expected: false },
  { image: 'myacr.azurecr.io/app:1', allowed: ['https://MyACR.azurecr.io/'], expected: true },
  { image: 'myacr.azurecr.io/app:1', allowed: ['*.azurecr.io'], expected: true },
  { image: 'ghcr.io/acme/app:1', allowed: ['ghcr.io/acme'], expected: true },
  // A prefix matches whole path segments only.
  { image: 'ghcr.io/acme-evil/app:1', allowed: ['ghcr.io/acme'], expected: false },
  // Globs never cross a `/`: an allowed host hidden in a path is not the registry.
  { image: 'evil.com/x.azurecr.io/app:1', allowed: ['*.azurecr.io'], expected: false },
  { image: 'evil.com/myacr.azurecr.io/app:1', allowed: ['myacr.azurecr.io'], expected: false },
  { image: 'myacr.azurecr.io.evil.com/app:1', allowed: ['myacr.azurecr.io'], expected: false },
  { image: 'localhost:5000/app', allowed: ['localhost:5000'], expected: true },
  { image: 'nginx', allowed: [], expected: false },
] satisfies AllowCase[];

describe('isAllowedImage', () => {
  for (const { image, allowed, expected } of allowCases) {
    it(`${expected ? 'allows' : 'rejects'} "${image}" with [${allowed.join(', ')}]`, () => {
      const ref = parseImageReference(image);
      assert.ok(ref);
      assert.equal(isAllowedImage(ref, allowed), expected);
    });
  }

  it('normalises allow-list entries', () => {
    assert.equal(normaliseRegistryPattern(' https://Registry-1.Docker.io/library/ '), 'docker.io/library');
    assert.equal(normaliseRegistryPattern('MCR.microsoft.com'), 'mcr.microsoft.com');
  });
});
