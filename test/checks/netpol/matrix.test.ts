import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeMatrix } from '../../../src/checks/netpol/matrix.js';
import { evaluateConnection } from '../../../src/checks/netpol/evaluate.js';
import { answerQuery } from '../../../src/checks/netpol/query.js';
import { xyzWith } from './xyz.js';

const POLICIES = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: x}
spec:
  podSelector: {matchLabels: {pod: a}}
  ingress: [{from: [{ipBlock: {cidr: 192.168.0.0/16, except: [192.168.2.1/32]}}], ports: [{port: 80}]}]
`;

test('matrix: classes stay exact (ipBlock memberships split classes) and match pairwise evaluation', () => {
  const evaluator = xyzWith(POLICIES);
  const matrix = computeMatrix(evaluator, [
    { port: 80, protocol: 'TCP' },
    { port: 81, protocol: 'TCP' },
  ]);
  // Labels are pod: a|b|c in three namespaces, all distinct anyway: 9 classes.
  assert.equal(matrix.classes.length, 9);
  const n = matrix.classes.length;
  matrix.ports.forEach((port, k) => {
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const v = evaluateConnection(evaluator, {
          from: { kind: 'pod', pod: matrix.classes[i]!.representative },
          to: { kind: 'pod', pod: matrix.classes[j]!.representative },
          ...port,
        });
        assert.equal(matrix.allowed[k]![i * n + j], v.allowed ? 1 : 0);
      }
  });
});

const MIXED = [
  'podSelector: {matchLabels: {pod: a}}\ningress: [{from: [{namespaceSelector: {matchLabels: {ns: y}}, podSelector: {matchLabels: {pod: b}}}, {ipBlock: {cidr: 192.168.3.0/24, except: [192.168.3.2/32]}}], ports: [{port: serve-81-udp, protocol: UDP}, {port: 80}]}]',
  'podSelector: {matchLabels: {pod: b}}\npolicyTypes: [Egress]\negress: [{to: [{namespaceSelector: {matchExpressions: [{key: ns, operator: NotIn, values: [z]}]}}], ports: [{port: serve-80-tcp}, {port: 81, endPort: 90, protocol: UDP}]}]',
  'podSelector: {matchLabels: {pod: c}}\npolicyTypes: [Ingress, Egress]\ningress: [{}]\negress: [{to: [{podSelector: {}}]}]',
]
  .map(
    (spec, i) =>
      `---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p${i}, namespace: x}\nspec:\n${spec.replace(/^/gm, '  ')}\n`,
  )
  .join('');

test('matrix: the bitmap computation equals pairwise evaluation on mixed policies', () => {
  const evaluator = xyzWith(MIXED);
  const ports = [80, 81].flatMap((port) => (['TCP', 'UDP'] as const).map((protocol) => ({ port, protocol })));
  const matrix = computeMatrix(evaluator, ports);
  const n = matrix.classes.length;
  let denied = 0;
  matrix.ports.forEach((port, k) => {
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const v = evaluateConnection(evaluator, {
          from: { kind: 'pod', pod: matrix.classes[i]!.representative },
          to: { kind: 'pod', pod: matrix.classes[j]!.representative },
          ...port,
        });
        if (!v.allowed) denied++;
        assert.equal(
          matrix.allowed[k]![i * n + j],
          v.allowed ? 1 : 0,
          `${i}->${j} ${port.port}/${port.protocol}`,
        );
      }
  });
  assert.ok(denied > 20, 'the policies deny a good share of cells');
});

test('matrix: identical pods share a class', () => {
  const pods = Array.from(
    { length: 20 },
    (_, i) =>
      `---\napiVersion: v1\nkind: Pod\nmetadata: {name: w${i}, namespace: x, labels: {pod: a}}\nspec: {containers: [{name: c, image: i, ports: [{name: serve-80-tcp, containerPort: 80}, {name: serve-80-udp, containerPort: 80, protocol: UDP}, {name: serve-80-sctp, containerPort: 80, protocol: SCTP}]}, {name: d, image: i, ports: [{name: serve-81-tcp, containerPort: 81}, {name: serve-81-udp, containerPort: 81, protocol: UDP}]}]}\n`,
  ).join('');
  const matrix = computeMatrix(xyzWith(pods));
  const xa = matrix.classes.find((c) => c.pods.includes('x/w7'));
  assert.ok(xa);
  assert.equal(xa.pods.length, 21, 'x/a (with IPs but no ipBlock policy) and the 20 copies');
});

test('external endpoints: ip: addresses and the Internet against ipBlocks', () => {
  const evaluator = xyzWith(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: x}
spec:
  podSelector: {}
  ingress: [{from: [{ipBlock: {cidr: 0.0.0.0/0, except: [8.8.0.0/16]}}]}]
  egress: [{to: [{ipBlock: {cidr: 1.1.1.0/24}}]}]
`);
  const ask = (from: string, to: string) => {
    const a = answerQuery(evaluator, { from, to, port: 443, protocol: 'TCP' });
    assert.ok(a.ok);
    return a.verdict.allowed;
  };
  assert.equal(ask('ip:9.9.9.9', 'x/a'), true);
  assert.equal(ask('ip:8.8.8.8', 'x/a'), false);
  assert.equal(ask('Internet', 'x/a'), true, 'an arbitrary host is outside every except');
  assert.equal(ask('x/a', 'ip:1.1.1.1'), true);
  assert.equal(ask('x/a', 'ip:1.1.2.1'), false);
  assert.equal(ask('x/a', 'Internet'), false, '1.1.1.0/24 does not hold an arbitrary host');
  assert.equal(
    ask('x/a', 'x/a'),
    false,
    'a pod reaching itself follows policy, as upstream truth tables expect',
  );
  const loose = answerQuery(
    evaluator,
    { from: 'x/a', to: 'x/a', port: 443, protocol: 'TCP' },
    { allowLoopback: true },
  );
  assert.ok(loose.ok && loose.verdict.allowed && loose.verdict.loopback);
});
