import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Protocol } from '../../../src/checks/netpol/model.js';
import { Reachability, mismatches, xyzWith } from './xyz.js';

interface Case {
  name: string;
  policies: string;
  /** Port/protocol probes, each with its full expected truth table over the 9 pods. */
  probes: { port: number; protocol?: Protocol; expected: Reachability }[];
}

const np = (ns: string, name: string, spec: string) =>
  `---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n${spec
    .trim()
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n')}\n`;

const cases = [
  {
    name: 'no policies: everything reaches everything',
    policies: '',
    probes: [{ port: 80, expected: new Reachability(true) }],
  },
  {
    name: 'default-deny-ingress in x isolates every pod of x',
    policies: np('x', 'deny-ingress', 'podSelector: {}\npolicyTypes: [Ingress]'),
    probes: [{ port: 80, expected: new Reachability(true).expectPeer({}, { ns: 'x' }, false) }],
  },
  {
    name: 'no policyTypes and no egress rules means Ingress only',
    policies: np('x', 'deny-ingress', 'podSelector: {}'),
    probes: [{ port: 80, expected: new Reachability(true).expectPeer({}, { ns: 'x' }, false) }],
  },
  {
    name: 'default-deny-egress in x: x pods reach nothing',
    policies: np('x', 'deny-egress', 'podSelector: {}\npolicyTypes: [Egress]'),
    probes: [{ port: 80, expected: new Reachability(true).expectPeer({ ns: 'x' }, {}, false) }],
  },
  {
    name: 'policyTypes [Egress] ignores ingress rules: no ingress isolation',
    policies: np(
      'x',
      'egress-only',
      'podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Egress]\ningress: [{from: [{podSelector: {matchLabels: {pod: b}}}]}]\negress: [{}]',
    ),
    probes: [{ port: 80, expected: new Reachability(true) }],
  },
  {
    name: 'no policyTypes with egress rules isolates both directions',
    policies: np(
      'x',
      'both',
      'podSelector: {matchLabels: {pod: a}}\negress: [{to: [{podSelector: {matchLabels: {pod: b}}}]}]',
    ),
    probes: [
      {
        port: 80,
        expected: new Reachability(true)
          .expectPeer({}, { ns: 'x', pod: 'a' }, false)
          .expectPeer({ ns: 'x', pod: 'a' }, {}, false)
          .expect('x/a', 'x/b', true),
      },
    ],
  },
  {
    name: 'ingress to x/a from x/b only (podSelector alone: the policy namespace)',
    policies: np(
      'x',
      'allow-b',
      'podSelector: {matchLabels: {pod: a}}\ningress: [{from: [{podSelector: {matchLabels: {pod: b}}}]}]',
    ),
    probes: [
      {
        port: 80,
        expected: new Reachability(true)
          .expectPeer({}, { ns: 'x', pod: 'a' }, false)
          .expect('x/b', 'x/a', true),
      },
    ],
  },
  {
    name: 'namespaceSelector alone: every pod of matching namespaces',
    policies: np(
      'x',
      'allow-ns-y',
      'podSelector: {matchLabels: {pod: a}}\ningress: [{from: [{namespaceSelector: {matchLabels: {ns: y}}}]}]',
    ),
    probes: [
      {
        port: 80,
        expected: new Reachability(true)
          .expectPeer({}, { ns: 'x', pod: 'a' }, false)
          .expectPeer({ ns: 'y' }, { ns: 'x', pod: 'a' }, true),
      },
    ],
  },
  {
    name: 'namespaceSelector AND podSelector in one peer',
    policies: np(
      'x',
      'and',
      'podSelector: {matchLabels: {pod: a}}\ningress: [{from: [{namespaceSelector: {matchLabels: {ns: y}}, podSelector: {matchLabels: {pod: b}}}]}]',
    ),
    probes: [
      {
        port: 80,
        expected: new Reachability(true)
          .expectPeer({}, { ns: 'x', pod: 'a' }, false)
          .expect('y/b', 'x/a', true),
      },
    ],
  },
  {
    name: 'namespaceSelector OR podSelector as two peers',
    policies: np(
      'x',
      'or',
      'podSelector: {matchLabels: {pod: a}}\ningress: [{from: [{namespaceSelector: {matchLabels: {ns: y}}}, {podSelector: {matchLabels: {pod: b}}}]}]',
    ),
    probes: [
      {
        port: 80,
        expected: new Reachability(true)
          .expectPeer({}, { ns: 'x', pod: 'a' }, false)
          .expectPeer({ ns: 'y' }, { ns: 'x', pod: 'a' }, true)
          .expect('x/b', 'x/a', true),
      },
    ],
  },
  {
    name: 'matchExpressions NotIn on namespaces, In on pods',
    policies: np(
      'x',
      'exprs',
      'podSelector: {matchExpressions: [{key: pod, operator: In, values: [a, b]}]}\ningress: [{from: [{namespaceSelector: {matchExpressions: [{key: ns, operator: NotIn, values: [x, y]}]}}]}]',
    ),
    probes: [
      {
        port: 80,
        expected: new Reachability(true)
          .expectPeer({}, { ns: 'x', pod: 'a' }, false)
          .expectPeer({}, { ns: 'x', pod: 'b' }, false)
          .expectPeer({ ns: 'z' }, { ns: 'x', pod: 'a' }, true)
          .expectPeer({ ns: 'z' }, { ns: 'x', pod: 'b' }, true),
      },
    ],
  },
  {
    name: 'Exists and DoesNotExist',
    policies: np(
      'x',
      'exists',
      'podSelector: {matchExpressions: [{key: pod, operator: Exists}]}\ningress: [{from: [{podSelector: {matchExpressions: [{key: missing, operator: DoesNotExist}, {key: pod, operator: NotIn, values: [c]}]}, namespaceSelector: {}}]}]',
    ),
    probes: [
      {
        port: 80,
        expected: new Reachability(true)
          .expectPeer({}, { ns: 'x' }, false)
          .expectPeer({ pod: 'a' }, { ns: 'x' }, true)
          .expectPeer({ pod: 'b' }, { ns: 'x' }, true),
      },
    ],
  },
  {
    name: 'the automatic kubernetes.io/metadata.name namespace label',
    policies: np(
      'x',
      'by-name',
      "podSelector: {}\ningress: [{from: [{namespaceSelector: {matchLabels: {'kubernetes.io/metadata.name': z}}}]}]",
    ),
    probes: [
      {
        port: 80,
        expected: new Reachability(true)
          .expectPeer({}, { ns: 'x' }, false)
          .expectPeer({ ns: 'z' }, { ns: 'x' }, true),
      },
    ],
  },
  {
    name: 'port 80 allowed, 81 not',
    policies: np('x', 'port-80', 'podSelector: {matchLabels: {pod: a}}\ningress: [{ports: [{port: 80}]}]'),
    probes: [
      { port: 80, expected: new Reachability(true) },
      {
        port: 81,
        expected: new Reachability(true).expectPeer({}, { ns: 'x', pod: 'a' }, false),
      },
    ],
  },
  {
    name: 'named port resolves per destination pod and protocol',
    policies: np(
      'x',
      'named',
      'podSelector: {matchLabels: {pod: a}}\ningress: [{ports: [{port: serve-81-udp, protocol: UDP}]}]',
    ),
    probes: [
      { port: 81, protocol: 'UDP', expected: new Reachability(true) },
      {
        port: 80,
        protocol: 'UDP',
        expected: new Reachability(true).expectPeer({}, { ns: 'x', pod: 'a' }, false),
      },
      {
        port: 81,
        protocol: 'TCP',
        expected: new Reachability(true).expectPeer({}, { ns: 'x', pod: 'a' }, false),
      },
    ],
  },
  {
    name: 'named port with the wrong protocol never matches',
    policies: np(
      'x',
      'named-wrong',
      'podSelector: {matchLabels: {pod: a}}\ningress: [{ports: [{port: serve-81-tcp, protocol: UDP}]}]',
    ),
    probes: [
      {
        port: 81,
        protocol: 'TCP',
        expected: new Reachability(true).expectPeer({}, { ns: 'x', pod: 'a' }, false),
      },
      {
        port: 81,
        protocol: 'UDP',
        expected: new Reachability(true).expectPeer({}, { ns: 'x', pod: 'a' }, false),
      },
    ],
  },
  {
    name: 'endPort range 80-81 allows both, 82 not',
    policies: np(
      'x',
      'range',
      'podSelector: {}\ningress: [{ports: [{port: 80, endPort: 81, protocol: TCP}]}]',
    ),
    probes: [
      { port: 80, expected: new Reachability(true) },
      { port: 81, expected: new Reachability(true) },
      { port: 82, expected: new Reachability(true).expectPeer({}, { ns: 'x' }, false) },
    ],
  },
  {
    name: 'protocol-only port entry: all UDP ports, no TCP',
    policies: np('x', 'udp', 'podSelector: {}\ningress: [{ports: [{protocol: UDP}]}]'),
    probes: [
      { port: 81, protocol: 'UDP', expected: new Reachability(true) },
      {
        port: 80,
        protocol: 'TCP',
        expected: new Reachability(true).expectPeer({}, { ns: 'x' }, false),
      },
    ],
  },
  {
    name: 'SCTP is its own protocol',
    policies: np('x', 'sctp', 'podSelector: {}\ningress: [{ports: [{port: 80, protocol: SCTP}]}]'),
    probes: [
      { port: 80, protocol: 'SCTP', expected: new Reachability(true) },
      {
        port: 80,
        protocol: 'TCP',
        expected: new Reachability(true).expectPeer({}, { ns: 'x' }, false),
      },
    ],
  },
  {
    name: 'empty rule (ingress: [{}]) allows all, even with a deny-all beside it',
    policies:
      np('x', 'deny', 'podSelector: {}\npolicyTypes: [Ingress]') +
      np('x', 'allow-all', 'podSelector: {}\ningress: [{}]'),
    probes: [{ port: 80, expected: new Reachability(true) }],
  },
  {
    name: 'empty from list (from: []) means every source',
    policies: np(
      'x',
      'empty-from',
      'podSelector: {matchLabels: {pod: a}}\ningress: [{from: [], ports: [{port: 81}]}]',
    ),
    probes: [
      { port: 81, expected: new Reachability(true) },
      {
        port: 80,
        expected: new Reachability(true).expectPeer({}, { ns: 'x', pod: 'a' }, false),
      },
    ],
  },
  {
    name: 'several policies add up (union)',
    policies:
      np(
        'x',
        'from-b',
        'podSelector: {matchLabels: {pod: a}}\ningress: [{from: [{podSelector: {matchLabels: {pod: b}}}]}]',
      ) +
      np(
        'x',
        'from-y-c',
        'podSelector: {matchLabels: {pod: a}}\ningress: [{from: [{namespaceSelector: {matchLabels: {ns: y}}, podSelector: {matchLabels: {pod: c}}}]}]',
      ),
    probes: [
      {
        port: 80,
        expected: new Reachability(true)
          .expectPeer({}, { ns: 'x', pod: 'a' }, false)
          .expect('x/b', 'x/a', true)
          .expect('y/c', 'x/a', true),
      },
    ],
  },
  {
    name: 'a policy in another namespace does not apply',
    policies: np('y', 'deny-a', 'podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Ingress, Egress]'),
    probes: [
      {
        port: 80,
        expected: new Reachability(true)
          .expectPeer({}, { ns: 'y', pod: 'a' }, false)
          .expectPeer({ ns: 'y', pod: 'a' }, {}, false),
      },
    ],
  },
  {
    name: 'ipBlock with except matches pod IPs (ingress)',
    policies: np(
      'x',
      'cidr',
      'podSelector: {matchLabels: {pod: a}}\ningress: [{from: [{ipBlock: {cidr: 192.168.0.0/16, except: [192.168.2.0/24]}}]}]',
    ),
    probes: [
      {
        port: 80,
        expected: new Reachability(true).expectPeer({ ns: 'y' }, { ns: 'x', pod: 'a' }, false),
      },
    ],
  },
  {
    name: 'egress to one server by its /32 (upstream: allow egress access to server in CIDR block)',
    policies: np(
      'x',
      'egress-cidr',
      'podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Egress]\negress: [{to: [{ipBlock: {cidr: 192.168.2.2/32}}]}]',
    ),
    probes: [
      {
        port: 80,
        expected: new Reachability(true)
          .expectPeer({ ns: 'x', pod: 'a' }, {}, false)
          .expect('x/a', 'y/b', true),
      },
    ],
  },
  {
    name: "IP overlapping one block and another block's except is allowed (OR across peers)",
    policies: np(
      'x',
      'overlap',
      'podSelector: {matchLabels: {pod: a}}\npolicyTypes: [Egress]\negress: [{to: [{ipBlock: {cidr: 192.168.2.0/24, except: [192.168.2.2/32]}}, {ipBlock: {cidr: 192.168.2.2/32}}]}]',
    ),
    probes: [
      {
        port: 80,
        expected: new Reachability(true)
          .expectPeer({ ns: 'x', pod: 'a' }, {}, false)
          .expectPeer({ ns: 'x', pod: 'a' }, { ns: 'y' }, true),
      },
    ],
  },
  {
    name: 'IPv6 ipBlock matches the dual-stack address',
    policies: np('x', 'v6', "podSelector: {}\ningress: [{from: [{ipBlock: {cidr: 'fd00::3:0/112'}}]}]"),
    probes: [
      {
        port: 80,
        expected: new Reachability(true)
          .expectPeer({}, { ns: 'x' }, false)
          .expectPeer({ ns: 'z' }, { ns: 'x' }, true),
      },
    ],
  },
  {
    name: 'egress named port resolves against the destination pod',
    policies: np(
      'x',
      'egress-named',
      'podSelector: {}\npolicyTypes: [Egress]\negress: [{ports: [{port: serve-81-tcp}]}]',
    ),
    probes: [
      { port: 81, expected: new Reachability(true) },
      { port: 80, expected: new Reachability(true).expectPeer({ ns: 'x' }, {}, false) },
    ],
  },
  {
    name: 'both sides must allow: egress from x denied to y, y allows ingress from anyone',
    policies:
      np(
        'x',
        'egress-to-z',
        'podSelector: {}\npolicyTypes: [Egress]\negress: [{to: [{namespaceSelector: {matchLabels: {ns: z}}}]}]',
      ) + np('y', 'allow-all', 'podSelector: {}\ningress: [{}]'),
    probes: [
      {
        port: 80,
        expected: new Reachability(true)
          .expectPeer({ ns: 'x' }, {}, false)
          .expectPeer({ ns: 'x' }, { ns: 'z' }, true),
      },
    ],
  },
  {
    name: 'namespaceSelector {} with podSelector: that pod label in every namespace',
    policies: np(
      'x',
      'any-ns-b',
      'podSelector: {}\ningress: [{from: [{namespaceSelector: {}, podSelector: {matchLabels: {pod: b}}}]}]',
    ),
    probes: [
      {
        port: 80,
        expected: new Reachability(true)
          .expectPeer({}, { ns: 'x' }, false)
          .expectPeer({ pod: 'b' }, { ns: 'x' }, true),
      },
    ],
  },
  {
    name: 'a podSelector matching nothing isolates nothing',
    policies: np('x', 'nothing', 'podSelector: {matchLabels: {pod: nope}}\npolicyTypes: [Ingress, Egress]'),
    probes: [{ port: 80, expected: new Reachability(true) }],
  },
] satisfies Case[];

for (const c of cases) {
  test(`engine: ${c.name}`, () => {
    const evaluator = xyzWith(c.policies);
    for (const probe of c.probes) {
      const wrong = mismatches(
        evaluator,
        probe.expected,
        probe.port,
        'protocol' in probe ? probe.protocol : 'TCP',
      );
      assert.deepEqual(wrong, [], `${wrong.length} wrong cells`);
    }
  });
}

test('engine: loopback follows policy by default; allowLoopback models CNIs that never filter it', () => {
  const evaluator = xyzWith(np('x', 'deny', 'podSelector: {}\npolicyTypes: [Ingress, Egress]'));
  const strict = new Reachability(true).expectPeer({}, { ns: 'x' }, false).expectPeer({ ns: 'x' }, {}, false);
  assert.deepEqual(mismatches(evaluator, strict, 80), []);
  assert.deepEqual(mismatches(evaluator, strict.allowLoopback(), 80, 'TCP', { allowLoopback: true }), []);
});
