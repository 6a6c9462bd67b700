// Table-driven authorizer cases: each answer is what `kubectl auth can-i` gives against an API server
// holding test/fixtures/rbac/authorizer/cluster.yaml (RBAC semantics of plugin/pkg/auth/authorizer/rbac).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { objectsFromYaml } from '../../helpers/k8s.js';
import type { AccessRequest } from '../../../src/checks/rbac/index.js';
import { authorize, buildRbacModel, impersonatedUser } from '../../../src/checks/rbac/index.js';

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'rbac', 'authorizer', 'cluster.yaml');
const model = buildRbacModel(objectsFromYaml(readFileSync(FIXTURE, 'utf8'), FIXTURE));

interface Case {
  name: string;
  user: string;
  groups?: string[];
  request: AccessRequest;
  allowed: boolean;
  /** `Kind/[ns/]name` of the allowing binding. */
  binding?: string;
  role?: string;
}

const res = (
  verb: string,
  resource: string,
  namespace = '',
  extra: { apiGroup?: string; subresource?: string; name?: string } = {},
): AccessRequest => ({
  type: 'resource',
  verb,
  apiGroup: extra.apiGroup ?? '',
  resource,
  namespace,
  ...extra,
});
const url = (verb: string, path: string): AccessRequest => ({ type: 'nonResource', verb, path });

const cases = [
  // RoleBinding to a ClusterRole grants only in the binding's namespace.
  {
    name: 'rolebinding to clusterrole, own namespace',
    user: 'alice',
    request: res('get', 'pods', 'team-a'),
    allowed: true,
    binding: 'RoleBinding/team-a/alice-pods',
    role: 'ClusterRole/pod-reader',
  },
  {
    name: 'rolebinding to clusterrole, other namespace',
    user: 'alice',
    request: res('get', 'pods', 'team-b'),
    allowed: false,
  },
  {
    name: 'rolebinding never grants cluster-wide',
    user: 'alice',
    request: res('list', 'pods'),
    allowed: false,
  },
  { name: 'verb not listed', user: 'alice', request: res('delete', 'pods', 'team-a'), allowed: false },
  {
    name: 'resource does not cover subresource',
    user: 'alice',
    request: res('get', 'pods', 'team-a', { subresource: 'log' }),
    allowed: false,
  },
  // resourceNames
  {
    name: 'resourceNames: named object',
    user: 'alice',
    request: res('get', 'secrets', 'team-a', { name: 'db-password' }),
    allowed: true,
    binding: 'RoleBinding/team-a/alice-secret',
    role: 'Role/team-a/secret-reader',
  },
  {
    name: 'resourceNames: other object',
    user: 'alice',
    request: res('get', 'secrets', 'team-a', { name: 'tls' }),
    allowed: false,
  },
  {
    name: 'resourceNames: no name (list)',
    user: 'alice',
    request: res('list', 'secrets', 'team-a'),
    allowed: false,
  },
  // Groups and subresources
  {
    name: 'group subject, pods/exec',
    user: 'bob',
    groups: ['devs'],
    request: res('create', 'pods', 'team-b', { subresource: 'exec' }),
    allowed: true,
    binding: 'RoleBinding/team-b/devs-exec',
    role: 'ClusterRole/exec-any',
  },
  {
    name: 'not in the group',
    user: 'bob',
    request: res('create', 'pods', 'team-b', { subresource: 'exec' }),
    allowed: false,
  },
  {
    name: 'pods/exec does not grant pods',
    user: 'bob',
    groups: ['devs'],
    request: res('create', 'pods', 'team-b'),
    allowed: false,
  },
  {
    name: 'pods/exec get is not create',
    user: 'bob',
    groups: ['devs'],
    request: res('get', 'pods', 'team-b', { subresource: 'exec' }),
    allowed: false,
  },
  {
    name: 'pods/* only matches a literal * subresource',
    user: 'gina',
    request: res('get', 'pods', 'team-a', { subresource: 'log' }),
    allowed: false,
  },
  // */scale with apiGroups *
  {
    name: '*/scale on deployments',
    user: 'hpa-bot',
    request: res('update', 'deployments', 'team-x', { apiGroup: 'apps', subresource: 'scale' }),
    allowed: true,
    binding: 'ClusterRoleBinding/scalers',
    role: 'ClusterRole/scaler',
  },
  {
    name: '*/scale on statefulsets cluster-wide',
    user: 'hpa-bot',
    request: res('patch', 'statefulsets', '', { apiGroup: 'apps', subresource: 'scale' }),
    allowed: true,
    binding: 'ClusterRoleBinding/scalers',
  },
  {
    name: '*/scale is not the resource itself',
    user: 'hpa-bot',
    request: res('update', 'deployments', 'team-x', { apiGroup: 'apps' }),
    allowed: false,
  },
  {
    name: '*/scale is not another subresource',
    user: 'hpa-bot',
    request: res('update', 'deployments', 'team-x', { apiGroup: 'apps', subresource: 'status' }),
    allowed: false,
  },
  {
    name: '*/scale verb mismatch',
    user: 'hpa-bot',
    request: res('get', 'deployments', 'team-x', { apiGroup: 'apps', subresource: 'scale' }),
    allowed: false,
  },
  // ServiceAccount subjects
  {
    name: 'sa subject defaults to binding namespace',
    user: 'system:serviceaccount:team-a:ci',
    request: res('create', 'deployments', 'team-a', { apiGroup: 'apps' }),
    allowed: true,
    binding: 'RoleBinding/team-a/ci-deployer',
    role: 'ClusterRole/deployer',
  },
  {
    name: 'sa grant stays in its namespace',
    user: 'system:serviceaccount:team-a:ci',
    request: res('create', 'deployments', 'team-b', { apiGroup: 'apps' }),
    allowed: false,
  },
  {
    name: 'a user named like the sa is not the sa',
    user: 'ci',
    request: res('create', 'deployments', 'team-a', { apiGroup: 'apps' }),
    allowed: false,
  },
  {
    name: 'api group must match',
    user: 'system:serviceaccount:team-a:ci',
    request: res('create', 'deployments', 'team-a', { apiGroup: 'extensions' }),
    allowed: false,
  },
  {
    name: 'sa without namespace in a clusterrolebinding matches nobody',
    user: 'system:serviceaccount:default:orphan',
    request: res('get', 'pods', 'default'),
    allowed: false,
  },
  // Non-resource URLs
  {
    name: 'non-resource exact',
    user: 'mon',
    groups: ['monitoring'],
    request: url('get', '/healthz'),
    allowed: true,
    binding: 'ClusterRoleBinding/monitoring-health',
    role: 'ClusterRole/health',
  },
  {
    name: 'non-resource * suffix',
    user: 'mon',
    groups: ['monitoring'],
    request: url('get', '/metrics/cadvisor'),
    allowed: true,
  },
  {
    name: 'non-resource * suffix needs the prefix',
    user: 'mon',
    groups: ['monitoring'],
    request: url('get', '/metrics'),
    allowed: false,
  },
  {
    name: 'non-resource verb',
    user: 'mon',
    groups: ['monitoring'],
    request: url('post', '/healthz'),
    allowed: false,
  },
  {
    name: 'non-resource via rolebinding grants nothing',
    user: 'bob',
    request: url('get', '/healthz'),
    allowed: false,
  },
  // Aggregation
  {
    name: 'aggregated role gets matching rules (1)',
    user: 'carol',
    request: res('get', 'nodes'),
    allowed: true,
    binding: 'ClusterRoleBinding/carol-monitoring',
    role: 'ClusterRole/monitoring-aggregate',
  },
  {
    name: 'aggregated role gets matching rules (2)',
    user: 'carol',
    request: res('list', 'services', 'team-z'),
    allowed: true,
  },
  {
    name: 'aggregated role skips non-matching roles',
    user: 'carol',
    request: res('delete', 'nodes'),
    allowed: false,
  },
  // Wildcards
  {
    name: 'verb * and resource * within a group',
    user: 'dave',
    request: res('delete', 'statefulsets', 'x', { apiGroup: 'apps' }),
    allowed: true,
    binding: 'ClusterRoleBinding/dave-apps',
  },
  {
    name: 'verb * matches any verb',
    user: 'dave',
    request: res('escalate', 'deployments', '', { apiGroup: 'apps' }),
    allowed: true,
  },
  {
    name: 'resource * matches subresources',
    user: 'dave',
    request: res('update', 'deployments', 'x', { apiGroup: 'apps', subresource: 'scale' }),
    allowed: true,
  },
  { name: 'group apps does not cover core', user: 'dave', request: res('get', 'pods', 'x'), allowed: false },
  // Implicit groups
  {
    name: 'system:authenticated added for users',
    user: 'eve',
    request: res('list', 'namespaces'),
    allowed: true,
    binding: 'ClusterRoleBinding/authenticated-namespaces',
  },
  {
    name: 'system:authenticated added with explicit groups',
    user: 'eve',
    groups: ['other'],
    request: res('list', 'namespaces'),
    allowed: true,
  },
  {
    name: 'explicit system:unauthenticated suppresses it',
    user: 'eve',
    groups: ['system:unauthenticated'],
    request: res('list', 'namespaces'),
    allowed: false,
  },
  {
    name: 'anonymous is not authenticated',
    user: 'system:anonymous',
    request: res('list', 'namespaces'),
    allowed: false,
  },
  {
    name: 'anonymous is unauthenticated',
    user: 'system:anonymous',
    request: url('get', '/version'),
    allowed: true,
    binding: 'ClusterRoleBinding/anonymous-public-info',
  },
  {
    name: 'unauthenticated * suffix',
    user: 'system:anonymous',
    request: url('get', '/openapi/v2'),
    allowed: true,
  },
  {
    name: 'sa gets system:serviceaccounts:NS',
    user: 'system:serviceaccount:team-c:builder',
    request: res('get', 'configmaps', 'team-d'),
    allowed: true,
    binding: 'ClusterRoleBinding/team-c-service-accounts',
  },
  {
    name: 'sa with explicit groups loses its fixed groups',
    user: 'system:serviceaccount:team-c:builder',
    groups: ['x'],
    request: res('get', 'configmaps', 'team-d'),
    allowed: false,
  },
  {
    name: 'sa also gets system:authenticated',
    user: 'system:serviceaccount:team-c:builder',
    request: res('list', 'namespaces'),
    allowed: true,
  },
  // Missing roles and scope
  {
    name: 'binding to a missing role grants nothing',
    user: 'frank',
    request: res('get', 'pods', 'team-a'),
    allowed: false,
  },
  {
    name: 'cluster-scoped resource via rolebinding',
    user: 'erin',
    request: res('get', 'nodes'),
    allowed: false,
  },
  {
    name: 'built-in cluster-admin assumed when only bound',
    user: 'root-ops',
    request: res('delete', 'secrets', 'kube-system'),
    allowed: true,
    binding: 'ClusterRoleBinding/ops-admin',
    role: 'ClusterRole/cluster-admin',
  },
  {
    name: 'cluster-admin covers non-resource URLs',
    user: 'root-ops',
    request: url('get', '/logs/x'),
    allowed: true,
  },
  {
    name: 'system:masters bypasses RBAC',
    user: 'x',
    groups: ['system:masters'],
    request: res('delete', 'nodes'),
    allowed: true,
  },
  { name: 'nobody', user: 'mallory', request: res('get', 'pods', 'default'), allowed: false },
] satisfies Case[];

const ref = (o: { kind: string; name: string; namespace?: string }) =>
  o.namespace ? `${o.kind}/${o.namespace}/${o.name}` : `${o.kind}/${o.name}`;

for (const c of cases as Case[]) {
  test(`authorize: ${c.name}`, () => {
    const decision = authorize(model, impersonatedUser(c.user, c.groups), c.request);
    assert.equal(decision.allowed, c.allowed, decision.reason);
    if (c.binding) assert.equal(decision.via && ref(decision.via.binding), c.binding);
    if (c.role) assert.equal(decision.via && ref(decision.via.role), c.role);
    if (!c.allowed) assert.equal(decision.via, null);
  });
}

test('impersonatedUser adds groups as the API server does', () => {
  assert.deepEqual(impersonatedUser('alice').groups, ['system:authenticated']);
  assert.deepEqual(impersonatedUser('system:anonymous').groups, ['system:unauthenticated']);
  assert.deepEqual(impersonatedUser('system:serviceaccount:ns1:app').groups, [
    'system:serviceaccounts',
    'system:serviceaccounts:ns1',
    'system:authenticated',
  ]);
  assert.deepEqual(impersonatedUser('alice', ['devs']).groups, ['devs', 'system:authenticated']);
  assert.deepEqual(impersonatedUser('alice', ['system:authenticated', 'devs']).groups, [
    'system:authenticated',
    'devs',
  ]);
});

test('answers do not depend on input order', () => {
  const objects = objectsFromYaml(readFileSync(FIXTURE, 'utf8'));
  const reversed = buildRbacModel([...objects].reverse());
  for (const c of cases as Case[]) {
    const a = authorize(model, impersonatedUser(c.user, c.groups), c.request);
    const b = authorize(reversed, impersonatedUser(c.user, c.groups), c.request);
    assert.deepEqual(a, b, c.name);
  }
});

test('aggregation is transitive and cycle-safe', () => {
  const objects = objectsFromYaml(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: top }
aggregationRule: { clusterRoleSelectors: [{ matchLabels: { agg: top } }] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: middle, labels: { agg: top } }
aggregationRule: { clusterRoleSelectors: [{ matchExpressions: [{ key: agg, operator: In, values: [middle, top] }] }] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: leaf, labels: { agg: middle } }
rules: [{ apiGroups: [''], resources: [configmaps], verbs: [get] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: b }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: top }
subjects: [{ kind: User, name: u }]
`);
  const m = buildRbacModel(objects);
  assert.equal(authorize(m, impersonatedUser('u'), res('get', 'configmaps', 'x')).allowed, true);
  assert.equal(authorize(m, impersonatedUser('u'), res('list', 'configmaps', 'x')).allowed, false);
});
