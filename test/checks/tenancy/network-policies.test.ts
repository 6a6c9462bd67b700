import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PolicyDirection } from '../../../src/checks/tenancy/network-policies.js';
import { isDefaultDeny } from '../../../src/checks/tenancy/network-policies.js';
import { objectsFromYaml } from '../../helpers/k8s.js';

function policy(spec: string) {
  const [object] = objectsFromYaml(
    `kind: NetworkPolicy\nmetadata: { name: p, namespace: n }\nspec: ${spec}\n`,
  );
  assert.ok(object);
  return object;
}

const cases = [
  { spec: '{ podSelector: {} }', direction: 'Ingress', deny: true },
  { spec: '{ podSelector: {} }', direction: 'Egress', deny: false },
  { spec: '{ podSelector: {}, policyTypes: [Egress] }', direction: 'Egress', deny: true },
  { spec: '{ podSelector: {}, policyTypes: [Egress] }', direction: 'Ingress', deny: false },
  { spec: '{ podSelector: {}, policyTypes: [Ingress, Egress] }', direction: 'Egress', deny: true },
  { spec: '{ podSelector: {}, ingress: [] }', direction: 'Ingress', deny: true },
  { spec: '{ podSelector: {}, ingress: [{}] }', direction: 'Ingress', deny: false },
  { spec: '{ podSelector: { matchLabels: {} } }', direction: 'Ingress', deny: true },
  { spec: '{ podSelector: { matchLabels: { app: web } } }', direction: 'Ingress', deny: false },
  {
    spec: '{ podSelector: { matchExpressions: [{ key: a, operator: Exists }] } }',
    direction: 'Ingress',
    deny: false,
  },
  // Egress rules without policyTypes make it an Ingress+Egress policy that allows egress.
  { spec: '{ podSelector: {}, egress: [{ to: [] }] }', direction: 'Egress', deny: false },
  { spec: '{ podSelector: {}, egress: [{ to: [] }] }', direction: 'Ingress', deny: true },
] satisfies { spec: string; direction: PolicyDirection; deny: boolean }[];

describe('isDefaultDeny', () => {
  for (const { spec, direction, deny } of cases) {
    it(`${spec} ${deny ? 'denies' : 'does not deny'} all ${direction}`, () =>
      assert.equal(isDefaultDeny(policy(spec), direction), deny));
  }
});
