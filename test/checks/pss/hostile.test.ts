import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import type { JsonObject } from '../../../src/k8s/object.js';
import { isObject } from '../../../src/k8s/object.js';
import { evaluatePodSecurity, parsePssVersion } from '../../../src/checks/pss/index.js';
import type { PssPod } from '../../../src/checks/pss/index.js';

const VERSIONS = ['v1.0', 'v1.18', 'v1.19', 'v1.24', 'v1.25', 'v1.34', 'v1.35', 'latest'].map(
  parsePssVersion,
);

/** Evaluates at every level and several versions; must never throw nor fall back to "evaluation error". */
function assertSurvives(pod: PssPod, label: string): void {
  for (const level of ['privileged', 'baseline', 'restricted'] as const) {
    for (const version of VERSIONS) {
      const violations = evaluatePodSecurity(pod, level, version);
      for (const v of violations) {
        assert.notEqual(v.reason, 'evaluation error', `${label}: ${v.check.id} threw: ${v.detail}`);
        assert.ok(Array.isArray(v.fields) && typeof v.detail === 'string', label);
        assert.ok(!v.detail.includes('\n'), `${label}: multi-line detail from ${v.check.id}`);
      }
    }
  }
}

const WEIRD_VALUES: unknown[] = [
  null,
  undefined,
  true,
  false,
  0,
  -1,
  1.5,
  Number.NaN,
  '',
  'x',
  'yes',
  [],
  [null],
  [1, 'a', {}],
  {},
  { type: 5 },
  { name: ['a'] },
  'a\nb',
  'z'.repeat(10_000),
];

const SPEC_KEYS = [
  'containers',
  'initContainers',
  'ephemeralContainers',
  'securityContext',
  'volumes',
  'hostNetwork',
  'hostPID',
  'hostIPC',
  'hostUsers',
  'os',
];
const CONTAINER_KEYS = [
  'name',
  'securityContext',
  'ports',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
];
const CONTEXT_KEYS = [
  'privileged',
  'capabilities',
  'seLinuxOptions',
  'seccompProfile',
  'appArmorProfile',
  'procMount',
  'windowsOptions',
  'runAsNonRoot',
  'runAsUser',
  'allowPrivilegeEscalation',
  'sysctls',
];

test('wrong-typed values at every field the checks read', () => {
  for (const value of WEIRD_VALUES) {
    const label = `value ${String(JSON.stringify(value)).slice(0, 30)}`;
    for (const key of SPEC_KEYS)
      assertSurvives(
        { podMeta: { labels: {}, annotations: {} }, spec: { [key]: value } },
        `${label} at ${key}`,
      );
    for (const key of CONTAINER_KEYS)
      assertSurvives(
        { podMeta: { labels: {}, annotations: {} }, spec: { containers: [{ [key]: value }] } },
        `${label} at container.${key}`,
      );
    for (const key of CONTEXT_KEYS) {
      const spec: JsonObject = {
        securityContext: { [key]: value },
        containers: [
          { name: 'c', securityContext: { [key]: value, capabilities: { add: value, drop: value } } },
        ],
        volumes: [{ name: 'v', [key]: value }, value],
      };
      assertSurvives(
        { podMeta: { labels: {}, annotations: {} }, spec },
        `${label} at securityContext.${key}`,
      );
    }
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'])
      assertSurvives(
        {
          podMeta: { labels: {}, annotations: {} },
          spec: { containers: [{ [probe]: { httpGet: value, tcpSocket: { host: value } } }] },
        },
        `${label} in ${probe}`,
      );
  }
});

test('malformed pod shapes: spec and metadata of the wrong type, prototype keys', () => {
  const shapes: unknown[] = [
    { podMeta: null, spec: null },
    { podMeta: { labels: 'x', annotations: ['a'] }, spec: [] },
    { podMeta: { labels: {}, annotations: { ['__proto__']: 'x', constructor: 'unconfined' } }, spec: 'spec' },
    { podMeta: { labels: {}, annotations: { 'seccomp.security.alpha.kubernetes.io/pod': 5 } }, spec: {} },
    {},
  ];
  for (const [i, shape] of shapes.entries()) assertSurvives(shape as PssPod, `shape ${i}`);
});

test('a self-referencing pod (YAML aliases) does not loop or throw', () => {
  const doc: unknown = parse(
    [
      'spec:',
      '  securityContext: &sc',
      '    seccompProfile: &self',
      '      type: Unconfined',
      '      nested: *self',
      '    sysctls: &list [ { name: kernel.msgmax, value: *sc } ]',
      '  containers:',
      '    - name: a',
      '      securityContext: *sc',
      '      capabilities: { add: *list }',
    ].join('\n'),
  );
  assert.ok(isObject(doc) && isObject(doc['spec']));
  const pod = { podMeta: { labels: {}, annotations: {} }, spec: doc['spec'] };
  assertSurvives(pod, 'aliases');
  assert.ok(evaluatePodSecurity(pod, 'baseline', parsePssVersion('latest')).length > 0);
});

test('random nested garbage (deterministic fuzz)', () => {
  let seed = 42;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const keys = [
    ...SPEC_KEYS,
    ...CONTAINER_KEYS,
    ...CONTEXT_KEYS,
    'type',
    'host',
    'httpGet',
    'tcpSocket',
    'add',
    'drop',
    'hostPort',
    'hostPath',
  ];
  const build = (depth: number): unknown => {
    if (depth === 0 || random() < 0.3) return pick(WEIRD_VALUES.slice(0, 12));
    if (random() < 0.3) return Array.from({ length: Math.floor(random() * 3) }, () => build(depth - 1));
    const out: JsonObject = {};
    for (let i = Math.floor(random() * 4); i > 0; i--) out[pick(keys)] = build(depth - 1);
    return out;
  };
  for (let i = 0; i < 300; i++) {
    const spec = build(5);
    assertSurvives(
      { podMeta: { labels: {}, annotations: {} }, spec: isObject(spec) ? spec : { containers: [spec] } },
      `fuzz ${i}`,
    );
  }
});
