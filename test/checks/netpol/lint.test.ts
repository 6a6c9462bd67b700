import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildManifestSet } from '../../../src/k8s/manifest-set.js';
import { parseManifestText } from '../../../src/k8s/load-manifests.js';
import { NETPOL_LINT_CHECKS } from '../../../src/checks/netpol/index.js';
import type { CheckContext } from '../../../src/checks/check.js';

const CTX: CheckContext = {
  settings: { allowedRegistries: [], untrustedNamespaces: [], sandboxRuntimeClasses: [] },
};

const pod = (ns: string, name: string, labels: string, ports = '') =>
  `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: ${ns}, labels: {${labels}}}\nspec: {containers: [{name: c, image: i${ports ? `, ports: [${ports}]` : ''}}]}\n`;
const np = (ns: string, name: string, spec: string) =>
  `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n${spec.replace(/^/gm, '  ')}\n`;

function run(docs: string[]): string[] {
  const set = buildManifestSet(parseManifestText(docs.join('---\n'), 'in.yaml').objects);
  return NETPOL_LINT_CHECKS.flatMap((c) =>
    c.evaluate(set, CTX).map((v) => `${c.id} ${v.object.kind}/${v.object.metadata.name}: ${v.message}`),
  ).sort();
}

interface Case {
  name: string;
  docs: string[];
  expect: RegExp[];
}

const cases = [
  {
    name: 'pass: every pod isolated both ways, DNS allowed, selectors match',
    docs: [
      pod('shop', 'web', 'app: web', '{name: http, containerPort: 8080}'),
      np('shop', 'default-deny', 'podSelector: {}\npolicyTypes: [Ingress, Egress]'),
      np(
        'shop',
        'dns',
        "podSelector: {}\npolicyTypes: [Egress]\negress: [{to: [{namespaceSelector: {matchLabels: {'kubernetes.io/metadata.name': kube-system}}}], ports: [{port: 53, protocol: UDP}]}]",
      ),
      np(
        'shop',
        'web',
        'podSelector: {matchLabels: {app: web}}\ningress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: http}]}]',
      ),
    ],
    expect: [],
  },
  {
    name: 'fail: a pod left out, a typo selector, a dead rule, egress anywhere without DNS',
    docs: [
      pod('shop', 'web', 'app: web', '{name: http, containerPort: 8080}'),
      pod('shop', 'db', 'app: db'),
      np(
        'shop',
        'web',
        'podSelector: {matchLabels: {app: web}}\ningress: [{from: [{podSelector: {matchLabels: {app: frontend}}}]}, {ports: [{port: https}]}]\negress: [{to: [{ipBlock: {cidr: 0.0.0.0/0}}], ports: [{port: 443}]}]',
      ),
      np('shop', 'typo', 'podSelector: {matchLabels: {app: wbe}}'),
    ],
    expect: [
      /^network\.egress-isolated-without-dns Pod\/web: shop\/web is egress-isolated by web and no rule allows UDP\/53$/,
      /^network\.egress-to-anywhere NetworkPolicy\/web: egress\[0\] allows 0\.0\.0\.0\/0$/,
      /^network\.pod-not-egress-isolated Pod\/db: /,
      /^network\.pod-not-ingress-isolated Pod\/db: pod shop\/db accept traffic from anywhere: none of the 2 NetworkPolicies in shop selects it for ingress$/,
      /^network\.policy-selects-nothing NetworkPolicy\/typo: podSelector app=wbe matches none of the 2 pod\(s\) in shop$/,
      /^network\.rule-never-matches NetworkPolicy\/web: spec\.ingress\[0\]: no pod in the input matches any of its from peers$/,
      /^network\.rule-never-matches NetworkPolicy\/web: spec\.ingress\[1\]: no selected pod declares a TCP port named "https"$/,
    ],
  },
  {
    name: 'namespaces without any policy are left to tenancy.default-deny-*',
    docs: [pod('open', 'a', 'app: a')],
    expect: [],
  },
] satisfies Case[];

for (const c of cases) {
  test(`network lint: ${c.name}`, () => {
    const got = run(c.docs);
    assert.equal(got.length, c.expect.length, got.join('\n'));
    c.expect.forEach((pattern, i) => assert.match(got[i]!, pattern));
  });
}

test('network lint checks have dotted ids, docs and the network category', () => {
  for (const c of NETPOL_LINT_CHECKS) {
    assert.match(c.id, /^network\.[a-z-]+$/);
    assert.ok(c.description && c.remediation && c.references.length > 0);
    assert.equal(c.scope, 'set');
  }
});
