import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseResourceArg } from '../../../src/checks/rbac/index.js';
import type { ResourceArgOptions } from '../../../src/checks/rbac/index.js';
import { BaseError } from '../../../src/core/errors.js';

interface Case {
  arg: string;
  options?: ResourceArgOptions;
  want: Record<string, unknown>;
}

const cases = [
  { arg: 'pods', want: { resource: 'pods', apiGroup: '', namespaced: true } },
  { arg: 'po', want: { resource: 'pods', apiGroup: '' } },
  { arg: 'Pod', want: { resource: 'pods', apiGroup: '' } },
  { arg: 'deploy', want: { resource: 'deployments', apiGroup: 'apps' } },
  { arg: 'deployments.apps', want: { resource: 'deployments', apiGroup: 'apps' } },
  { arg: 'deployments.v1.apps', want: { resource: 'deployments', apiGroup: 'apps' } },
  { arg: 'pods/exec', want: { resource: 'pods', subresource: 'exec' } },
  { arg: 'pods/web-0', want: { resource: 'pods', name: 'web-0' } },
  { arg: 'pods/web-0/log', want: { resource: 'pods', name: 'web-0', subresource: 'log' } },
  { arg: 'secrets/db', want: { resource: 'secrets', name: 'db' } },
  { arg: 'deploy/scale', want: { resource: 'deployments', apiGroup: 'apps', subresource: 'scale' } },
  {
    arg: 'csr/approval',
    want: {
      resource: 'certificatesigningrequests',
      apiGroup: 'certificates.k8s.io',
      subresource: 'approval',
      namespaced: false,
    },
  },
  { arg: 'nodes', want: { resource: 'nodes', namespaced: false } },
  { arg: 'netpol', want: { resource: 'networkpolicies', apiGroup: 'networking.k8s.io' } },
  {
    arg: 'clusterroles',
    want: { resource: 'clusterroles', apiGroup: 'rbac.authorization.k8s.io', namespaced: false },
  },
  { arg: 'widgets.example.com', want: { resource: 'widgets', apiGroup: 'example.com', known: false } },
  { arg: '*', want: { resource: '*', apiGroup: '' } },
  {
    arg: 'pods',
    options: { subresource: 'log', name: 'x' },
    want: { resource: 'pods', subresource: 'log', name: 'x' },
  },
  {
    arg: 'widgets',
    options: { apiGroup: 'example.com' },
    want: { resource: 'widgets', apiGroup: 'example.com' },
  },
  { arg: '/healthz', want: { type: 'nonResource', path: '/healthz' } },
] satisfies Case[];

for (const c of cases as Case[]) {
  test(`parseResourceArg ${c.arg} ${JSON.stringify(c.options ?? {})}`, () => {
    const parsed = parseResourceArg(c.arg, c.options) as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(c.want))
      assert.deepEqual(parsed[k], v, `${k} of ${JSON.stringify(parsed)}`);
  });
}

test('parseResourceArg rejects malformed arguments with a usage error', () => {
  for (const bad of ['', 'pods//x', 'a/b/c/d']) {
    assert.throws(
      () => parseResourceArg(bad),
      (e: unknown) => e instanceof BaseError && e.code === 'USAGE',
    );
  }
  assert.throws(
    () => parseResourceArg('/healthz', { subresource: 'x' }),
    (e: unknown) => e instanceof BaseError && e.code === 'USAGE',
  );
});
