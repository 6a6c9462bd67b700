import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIp, parseCidr, cidrContains } from '../../../src/checks/netpol/ip.js';
import { parseSelector, matchesSelector } from '../../../src/checks/netpol/selector.js';
import { buildCluster } from '../../../src/checks/netpol/cluster.js';
import { parseManifestText } from '../../../src/k8s/load-manifests.js';

test('ip: IPv4, IPv6 (compressed, embedded IPv4) and CIDR containment', () => {
  const cases: [string, string, boolean][] = [
    ['10.0.0.0/8', '10.255.1.2', true],
    ['10.0.0.0/8', '11.0.0.1', false],
    ['192.168.1.7/24', '192.168.1.200', true], // host bits cleared as Go's ParseCIDR does
    ['0.0.0.0/0', '8.8.8.8', true],
    ['fd00::/8', 'fd00::3:1', true],
    ['2001:db8::/32', '2001:db8:ffff::1', true],
    ['2001:db8::/32', '2001:db9::1', false],
    ['::ffff:0:0/96', '::ffff:10.1.2.3', true],
    ['10.0.0.0/8', 'fd00::1', false], // families never mix
  ];
  for (const [cidr, ip, want] of cases)
    assert.equal(cidrContains(parseCidr(cidr)!, parseIp(ip)!), want, `${cidr} ${ip}`);
  for (const bad of ['10.0.0.256', '1.2.3', '1::2::3', 'fd00::1%eth0', '01.2.3.4.5', ''])
    assert.equal(parseIp(bad), undefined, bad);
  assert.equal(parseCidr('10.0.0.0/33'), undefined);
  assert.equal(parseCidr('10.0.0.1'), undefined, 'a bare address is not a CIDR unless allowed');
});

test('selector: matchLabels AND matchExpressions; NotIn and DoesNotExist hold for missing keys', () => {
  const sel = (raw: unknown) => {
    const p = parseSelector(raw, 's');
    assert.ok(p.ok);
    return p.value;
  };
  const labels = { app: 'web', tier: 'front' };
  const cases: [unknown, boolean][] = [
    [{}, true],
    [{ matchLabels: { app: 'web' } }, true],
    [{ matchLabels: { app: 'web', tier: 'back' } }, false],
    [{ matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'back'] }] }, true],
    [{ matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['prod'] }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }, false],
    [{ matchExpressions: [{ key: 'app', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'env', operator: 'DoesNotExist' }] }, true],
    [{ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'env', operator: 'Exists' }] }, false],
  ];
  for (const [raw, want] of cases) assert.equal(matchesSelector(sel(raw), labels), want, JSON.stringify(raw));
});

test('policy validation: errors name the field, as the API server would', () => {
  const cases: [string, RegExp][] = [
    [
      'podSelector: {matchExpressions: [{key: a, operator: In}]}',
      /spec\.podSelector\.matchExpressions\[0\]\.values: must be non-empty for In/,
    ],
    ['podSelector: {}\npolicyTypes: [Inbound]', /spec\.policyTypes\[0\]: must be Ingress or Egress/],
    [
      'podSelector: {}\ningress: [{from: [{}]}]',
      /spec\.ingress\[0\]\.from\[0\]: must specify podSelector, namespaceSelector or ipBlock/,
    ],
    [
      'podSelector: {}\ningress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}]}]',
      /from\[0\]: ipBlock may not be combined/,
    ],
    [
      'podSelector: {}\negress: [{to: [{ipBlock: {cidr: 10.0.0.0/8, except: [11.0.0.0/8]}}]}]',
      /spec\.egress\[0\]\.to\[0\]\.ipBlock\.except\[0\]: 11\.0\.0\.0\/8 is not a strict subset/,
    ],
    ['podSelector: {}\negress: [{to: [{ipBlock: {cidr: 10.0.0/8}}]}]', /ipBlock\.cidr: not a valid CIDR/],
    [
      'podSelector: {}\ningress: [{ports: [{port: 90, endPort: 80}]}]',
      /ports\[0\]\.endPort: must be a number from port \(90\)/,
    ],
    [
      'podSelector: {}\ningress: [{ports: [{port: http, endPort: 80}]}]',
      /ports\[0\]\.endPort: may only be set with a numeric port/,
    ],
    [
      'podSelector: {}\ningress: [{ports: [{port: 80, protocol: ICMP}]}]',
      /ports\[0\]\.protocol: must be TCP, UDP or SCTP/,
    ],
    ['podSelector: {}\ningress: {from: []}', /spec\.ingress: must be a list/],
  ];
  for (const [spec, pattern] of cases) {
    const yaml = `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: x}\nspec:\n${spec.replace(/^/gm, '  ')}\n`;
    const { problems } = buildCluster(parseManifestText(yaml, 'p.yaml').objects);
    assert.equal(problems.length, 1, spec);
    assert.match(problems[0]!.message, pattern);
    assert.match(problems[0]!.message, /^NetworkPolicy x\/p: /);
    assert.equal(problems[0]!.file, 'p.yaml');
  }
});

test('cluster: namespaces get the automatic name label; workload templates stand in when there are no Pods', () => {
  const yaml = [
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\nspec:\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: c, image: i, ports: [{name: http, containerPort: 8080}]}]',
    'apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: web-1, namespace: shop, ownerReferences: [{kind: Deployment, name: web}]}\nspec:\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: i}]}',
  ].join('\n---\n');
  const { cluster } = buildCluster(parseManifestText(yaml, 'w.yaml').objects);
  assert.equal(cluster.pods.length, 1, 'owned ReplicaSets are not counted twice');
  assert.deepEqual(cluster.pods[0]!.labels, { app: 'web' });
  assert.deepEqual(cluster.pods[0]!.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  assert.equal(cluster.pods[0]!.fromTemplate, true);
  assert.deepEqual(cluster.namespaces.get('shop')?.labels, { 'kubernetes.io/metadata.name': 'shop' });
  const withPod = buildCluster(
    parseManifestText(
      `${yaml}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop, labels: {app: web}}\nspec: {containers: [{name: c, image: i}]}\nstatus: {podIP: 10.0.0.5}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: done, namespace: shop}\nspec: {containers: [{name: c, image: i}]}\nstatus: {phase: Succeeded}\n`,
      'w.yaml',
    ).objects,
  ).cluster;
  assert.deepEqual(
    withPod.pods.map((p) => p.name),
    ['p'],
    'real Pods win; finished pods are left out',
  );
});
