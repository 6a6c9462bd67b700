import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLevelVersion, policyToEvaluate } from '../../src/admission/pod-security.js';

interface Case {
  name: string;
  labels: Record<string, string>;
  /** enforce, warn, audit as `level:version`. */
  expect: [string, string, string];
  errors: boolean;
}

const P = 'privileged:latest';
// The cases of upstream's TestPolicyToEvaluate (pod-security-admission api/helpers_test.go).
const cases = [
  {
    name: 'simple enforce',
    labels: { enforce: 'baseline' },
    expect: ['baseline:latest', 'baseline:latest', P],
    errors: false,
  },
  { name: 'simple warn', labels: { warn: 'restricted' }, expect: [P, 'restricted:latest', P], errors: false },
  { name: 'simple audit', labels: { audit: 'baseline' }, expect: [P, P, 'baseline:latest'], errors: false },
  {
    name: 'enforce & warn',
    labels: { enforce: 'baseline', warn: 'restricted' },
    expect: ['baseline:latest', 'restricted:latest', P],
    errors: false,
  },
  {
    name: 'enforce version',
    labels: { enforce: 'baseline', 'enforce-version': 'v1.22' },
    expect: ['baseline:v1.22', 'baseline:v1.22', P],
    errors: false,
  },
  {
    name: 'enforce version & warn-version',
    labels: { enforce: 'baseline', 'enforce-version': 'v1.22', 'warn-version': 'latest' },
    expect: ['baseline:v1.22', 'baseline:latest', P],
    errors: false,
  },
  {
    name: 'enforce & warn-version',
    labels: { enforce: 'baseline', 'warn-version': 'v1.23' },
    expect: ['baseline:latest', 'baseline:v1.23', P],
    errors: false,
  },
  {
    name: 'fully specified',
    labels: {
      enforce: 'baseline',
      'enforce-version': 'v1.20',
      warn: 'restricted',
      'warn-version': 'v1.21',
      audit: 'restricted',
      'audit-version': 'v1.22',
    },
    expect: ['baseline:v1.20', 'restricted:v1.21', 'restricted:v1.22'],
    errors: false,
  },
  {
    name: 'enforce no warn',
    labels: { enforce: 'baseline', warn: 'privileged' },
    expect: ['baseline:latest', P, P],
    errors: false,
  },
  {
    name: 'enforce warn error',
    labels: { enforce: 'baseline', warn: 'foo' },
    expect: ['baseline:latest', P, P],
    errors: true,
  },
  {
    name: 'enforce error fails closed',
    labels: { enforce: 'foo' },
    expect: ['restricted:latest', P, P],
    errors: true,
  },
  {
    name: 'bad version means latest',
    labels: { enforce: 'baseline', 'enforce-version': 'v1.01' },
    expect: ['baseline:latest', 'baseline:latest', P],
    errors: true,
  },
] satisfies Case[];

for (const c of cases) {
  test(`policyToEvaluate: ${c.name}`, () => {
    const labels = Object.fromEntries(
      Object.entries(c.labels).map(([k, v]) => [`pod-security.kubernetes.io/${k}`, v]),
    );
    const { policy, errors } = policyToEvaluate({ ...labels, 'other-label': 'foo-bar' });
    assert.deepEqual(
      [formatLevelVersion(policy.enforce), formatLevelVersion(policy.warn), formatLevelVersion(policy.audit)],
      c.expect,
    );
    assert.equal(errors.length > 0, c.errors, errors.join('; '));
  });
}

test('policyToEvaluate: error text matches upstream field errors', () => {
  const { errors } = policyToEvaluate({ 'pod-security.kubernetes.io/enforce': 'foo' });
  assert.deepEqual(errors, [
    'metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "foo": must be one of privileged, baseline, restricted',
  ]);
});
