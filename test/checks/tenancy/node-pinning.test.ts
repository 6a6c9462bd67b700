import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  isConfinedToTaintedPool,
  isPinned,
  nodePinningOf,
} from '../../../src/checks/tenancy/node-pinning.js';
import { isObject } from '../../../src/k8s/object.js';
import { parse } from 'yaml';

function spec(yaml: string) {
  const value: unknown = parse(yaml);
  assert.ok(isObject(value));
  return value;
}

const SELECT_ACME = 'nodeSelector: { tenant: acme }';
const AFFINITY = (operator: string, values = '[acme]') => `
affinity:
  nodeAffinity:
    requiredDuringSchedulingIgnoredDuringExecution:
      nodeSelectorTerms:
        - matchExpressions: [{ key: tenant, operator: ${operator}, values: ${values} }]`;

const cases = [
  {
    name: 'selector and matching Equal toleration',
    yaml: `${SELECT_ACME}\ntolerations: [{ key: tenant, value: acme, effect: NoSchedule }]`,
    confined: true,
  },
  {
    name: 'selector and Exists toleration',
    yaml: `${SELECT_ACME}\ntolerations: [{ key: tenant, operator: Exists }]`,
    confined: true,
  },
  {
    name: 'selector and toleration for another value',
    yaml: `${SELECT_ACME}\ntolerations: [{ key: tenant, value: globex, effect: NoSchedule }]`,
    confined: false,
  },
  {
    name: 'selector and soft PreferNoSchedule toleration',
    yaml: `${SELECT_ACME}\ntolerations: [{ key: tenant, value: acme, effect: PreferNoSchedule }]`,
    confined: false,
  },
  {
    name: 'selector and wildcard toleration',
    yaml: `${SELECT_ACME}\ntolerations: [{ operator: Exists }]`,
    confined: false,
  },
  {
    name: 'toleration without any pinning',
    yaml: 'tolerations: [{ key: tenant, operator: Exists }]',
    confined: false,
  },
  {
    name: 'required affinity In and toleration',
    yaml: `${AFFINITY('In')}\ntolerations: [{ key: tenant, value: acme, effect: NoExecute }]`,
    confined: true,
  },
  {
    name: 'required affinity NotIn',
    yaml: `${AFFINITY('NotIn')}\ntolerations: [{ key: tenant, operator: Exists }]`,
    confined: false,
  },
] satisfies { name: string; yaml: string; confined: boolean }[];

describe('isConfinedToTaintedPool', () => {
  for (const { name, yaml, confined } of cases)
    it(`${confined ? 'accepts' : 'rejects'} ${name}`, () =>
      assert.equal(isConfinedToTaintedPool(spec(yaml)), confined));

  it('needs every ORed affinity term to land on a tolerated pool', () => {
    const twoTerms = spec(`
affinity:
  nodeAffinity:
    requiredDuringSchedulingIgnoredDuringExecution:
      nodeSelectorTerms:
        - matchExpressions: [{ key: tenant, operator: In, values: [acme] }]
        - matchExpressions: [{ key: kubernetes.io/os, operator: In, values: [linux] }]
tolerations: [{ key: tenant, operator: Exists, effect: NoSchedule }]`);
    assert.equal(isConfinedToTaintedPool(twoTerms), false);
  });
});

describe('isPinned', () => {
  it('sees nodeSelector and required affinity, not NotIn-only terms', () => {
    assert.equal(isPinned(nodePinningOf(spec(SELECT_ACME))), true);
    assert.equal(isPinned(nodePinningOf(spec(AFFINITY('Exists', '[]')))), true);
    assert.equal(isPinned(nodePinningOf(spec(AFFINITY('NotIn')))), false);
    assert.equal(isPinned(nodePinningOf(spec('containers: []'))), false);
  });
});
