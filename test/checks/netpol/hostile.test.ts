import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { K8sObject } from '../../../src/k8s/object.js';
import { buildCluster } from '../../../src/checks/netpol/cluster.js';
import { createEvaluator } from '../../../src/checks/netpol/evaluate.js';
import { computeMatrix } from '../../../src/checks/netpol/matrix.js';
import { parseNsg } from '../../../src/checks/nsg/parse-nsg.js';
import { InputError } from '../../../src/core/errors.js';

/** Deterministic PRNG so a failure reproduces. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const JUNK: unknown[] = [
  null,
  0,
  -1,
  1.5,
  70000,
  '',
  'x',
  '10.0.0.0/8',
  'serve-80-tcp',
  true,
  [],
  [null],
  {},
  { a: 1 },
  [{}],
  'In',
  ['a'],
];

function mutate(value: unknown, random: () => number, depth = 0): unknown {
  if (random() < 0.15 || depth > 6) return JUNK[Math.floor(random() * JUNK.length)];
  if (Array.isArray(value)) return value.map((v) => mutate(v, random, depth + 1));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mutate(v, random, depth + 1)]));
  return value;
}

const POLICY = {
  podSelector: { matchLabels: { pod: 'a' }, matchExpressions: [{ key: 'k', operator: 'In', values: ['v'] }] },
  policyTypes: ['Ingress', 'Egress'],
  ingress: [
    {
      from: [
        { namespaceSelector: { matchLabels: { ns: 'y' } }, podSelector: {} },
        { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } },
      ],
      ports: [{ port: 80, endPort: 90, protocol: 'TCP' }, { port: 'http' }],
    },
  ],
  egress: [{ to: [{ podSelector: { matchLabels: { a: 'b' } } }], ports: [{ protocol: 'UDP', port: 53 }] }],
};

const POD = {
  metadata: { labels: { pod: 'a' } },
  spec: { containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }] }] },
  status: { podIP: '10.0.0.1', podIPs: [{ ip: '10.0.0.1' }] },
};

function object(kind: string, apiVersion: string, raw: unknown): K8sObject {
  const r = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  return {
    apiVersion,
    kind,
    metadata: { name: 'p', namespace: 'x', labels: { pod: 'a' }, annotations: {} },
    raw: { apiVersion, kind, ...r },
    source: { file: 'fuzz.yaml', line: 1, column: 1 },
  };
}

test('hostile NetworkPolicies and Pods: never a crash, problems name a field', () => {
  const random = prng(7);
  let problems = 0;
  for (let i = 0; i < 600; i++) {
    const objects = [
      object('NetworkPolicy', 'networking.k8s.io/v1', { spec: mutate(POLICY, random) }),
      object('Pod', 'v1', mutate(POD, random)),
    ];
    const built = buildCluster(objects);
    for (const p of built.problems) {
      problems++;
      assert.match(p.message, /^NetworkPolicy x\/p: spec[\w.[\]-]*: /, p.message);
    }
    computeMatrix(createEvaluator(built.cluster));
  }
  assert.ok(problems > 100, 'the fuzzer reaches validation');
});

test('hostile NSG files: InputError or a parsed NSG, never a crash', () => {
  const random = prng(11);
  const rule = {
    name: 'R',
    priority: 100,
    direction: 'Inbound',
    access: 'Allow',
    protocol: 'Tcp',
    sourceAddressPrefix: '*',
    sourceAddressPrefixes: ['10.0.0.0/8'],
    sourcePortRange: '*',
    destinationAddressPrefix: 'VirtualNetwork',
    destinationPortRanges: ['80', '1000-2000'],
    sourceApplicationSecurityGroups: [{ id: '/x/asg' }],
  };
  for (let i = 0; i < 400; i++) {
    try {
      parseNsg(mutate({ name: 'n', securityRules: [rule, { properties: rule }] }, random), 'fuzz.json');
    } catch (error) {
      assert.ok(error instanceof InputError, String(error));
      assert.match(error.message, /^fuzz\.json: /);
      assert.ok(!error.message.includes('\n'));
    }
  }
});
