import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseImageRef } from '../../../src/checks/runtime/image-ref.js';

const cases = [
  ['nginx', 'docker.io/library/nginx', 'docker.io', 'docker.io/library/nginx'],
  ['nginx:1.25', 'docker.io/library/nginx:1.25', 'docker.io', 'docker.io/library/nginx'],
  ['bitnami/redis:7', 'docker.io/bitnami/redis:7', 'docker.io', 'docker.io/bitnami/redis'],
  ['index.docker.io/library/alpine', 'docker.io/library/alpine', 'docker.io', 'docker.io/library/alpine'],
  ['localhost:5000/app:dev', 'localhost:5000/app:dev', 'localhost:5000', 'localhost:5000/app'],
  [
    'MCR.microsoft.com/oss/nginx@sha256:abc',
    'mcr.microsoft.com/oss/nginx@sha256:abc',
    'mcr.microsoft.com',
    'mcr.microsoft.com/oss/nginx',
  ],
  [
    'contoso.azurecr.io/a/b:1@sha256:def',
    'contoso.azurecr.io/a/b:1@sha256:def',
    'contoso.azurecr.io',
    'contoso.azurecr.io/a/b',
  ],
] as const;

for (const [input, ref, registry, repository] of cases) {
  test(`image reference ${input}`, () => {
    assert.deepEqual(parseImageRef(input), { ref, registry, repository });
  });
}
