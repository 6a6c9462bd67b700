import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { objectsFromYaml } from '../../helpers/k8s.js';
import type { AccessRequest, Subject } from '../../../src/checks/rbac/index.js';
import { buildRbacModel, impersonatedUser, listRules, whoCan } from '../../../src/checks/rbac/index.js';

const FIXTURE = join(import.meta.dirname, '..', '..', 'fixtures', 'rbac', 'authorizer', 'cluster.yaml');
const model = buildRbacModel(objectsFromYaml(readFileSync(FIXTURE, 'utf8'), FIXTURE));

interface Case {
  name: string;
  request: AccessRequest;
  anyNamespace?: boolean;
  subjects: Subject[];
}

const ROOT: Subject = { kind: 'User', name: 'root-ops' };

const cases = [
  {
    name: 'namespaced: rolebindings of that namespace plus clusterrolebindings',
    request: { type: 'resource', verb: 'get', apiGroup: '', resource: 'pods', namespace: 'team-a' },
    subjects: [{ kind: 'User', name: 'alice' }, ROOT],
  },
  {
    name: 'other namespace',
    request: { type: 'resource', verb: 'get', apiGroup: '', resource: 'pods', namespace: 'team-b' },
    subjects: [ROOT],
  },
  {
    name: 'any namespace',
    request: { type: 'resource', verb: 'get', apiGroup: '', resource: 'pods', namespace: 'team-b' },
    anyNamespace: true,
    subjects: [{ kind: 'User', name: 'alice' }, ROOT],
  },
  {
    name: 'service account subject gets the binding namespace',
    request: {
      type: 'resource',
      verb: 'create',
      apiGroup: 'apps',
      resource: 'deployments',
      namespace: 'team-a',
    },
    subjects: [
      { kind: 'ServiceAccount', name: 'ci', namespace: 'team-a' },
      { kind: 'User', name: 'dave' },
      ROOT,
    ],
  },
  {
    name: 'group subjects, non-resource',
    request: { type: 'nonResource', verb: 'get', path: '/healthz' },
    subjects: [{ kind: 'Group', name: 'monitoring' }, ROOT],
  },
  {
    name: 'implicit group subjects are reported as groups',
    request: { type: 'resource', verb: 'list', apiGroup: '', resource: 'namespaces', namespace: '' },
    subjects: [{ kind: 'Group', name: 'system:authenticated' }, ROOT],
  },
  {
    name: 'sorted and deduplicated',
    request: { type: 'resource', verb: 'get', apiGroup: '', resource: 'nodes', namespace: '' },
    subjects: [{ kind: 'User', name: 'carol' }, ROOT],
  },
] satisfies Case[];

for (const c of cases as Case[]) {
  test(`whoCan: ${c.name}`, () => {
    const result = whoCan(model, c.request, { anyNamespace: c.anyNamespace ?? false });
    assert.deepEqual(result.subjects, c.subjects);
    for (const g of result.grants) assert.ok(g.binding.name && g.role.name);
  });
}

test('whoCan agrees with authorize for every subject it names', () => {
  const request: AccessRequest = {
    type: 'resource',
    verb: 'get',
    apiGroup: '',
    resource: 'pods',
    namespace: 'team-a',
  };
  const { subjects } = whoCan(model, request);
  const twice = whoCan(model, request);
  assert.deepEqual(subjects, twice.subjects);
  assert.equal(new Set(subjects.map((s) => JSON.stringify(s))).size, subjects.length);
});

test('listRules: cluster-wide and namespaced rules with their bindings', () => {
  const rules = listRules(model, impersonatedUser('alice'));
  const text = rules.map(
    (r) => `${r.namespace ?? '*'} ${r.binding.name} ${r.rule.verbs.join(',')} ${r.rule.resources.join(',')}`,
  );
  assert.deepEqual(text, [
    '* authenticated-namespaces list namespaces',
    'team-a alice-pods get,list,watch pods',
    'team-a alice-secret get secrets',
  ]);
  assert.deepEqual(
    listRules(model, impersonatedUser('alice'), 'team-b').map((r) => r.binding.name),
    ['authenticated-namespaces'],
  );
});
