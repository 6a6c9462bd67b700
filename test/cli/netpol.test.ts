import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './run-cli.js';

const FIX = join(import.meta.dirname, '..', 'fixtures', 'netpol');
const NSG = join(import.meta.dirname, '..', 'fixtures', 'nsg');
const XYZ = join(FIX, 'xyz-cluster.yaml');
const POLICIES = join(FIX, 'policies-x.yaml');
const SHOP = join(FIX, 'shop', 'cluster.yaml');

test('netpol check: allowed and denied with the deciding rules', async () => {
  const ok = await cli([
    'netpol',
    'check',
    XYZ,
    POLICIES,
    '--from',
    'y/c',
    '--to',
    'x/a',
    '--port',
    '80',
    '--format',
    'json',
  ]);
  assert.equal(ok.code, 0, ok.stderr);
  const answer = JSON.parse(ok.stdout) as {
    allowed: boolean;
    egress: { verdict: string };
    ingress: { allowedBy: { policy: string; rule: string }[] };
  };
  assert.equal(answer.allowed, true);
  assert.equal(answer.egress.verdict, 'not-isolated');
  assert.deepEqual(answer.ingress.allowedBy, [{ policy: 'x/allow-a-from-b-and-y', rule: 'ingress[0]' }]);

  const denied = await cli([
    'netpol',
    'check',
    XYZ,
    POLICIES,
    '--from',
    'x/a',
    '--to',
    'z/b',
    '--port',
    '80',
  ]);
  assert.equal(denied.code, 0);
  assert.match(denied.stdout, /^DENIED: x\/a -> z\/b TCP\/80/);
  assert.match(
    denied.stdout,
    /egress: denied, x\/a is isolated by x\/egress-not-z and no egress rule allows TCP\/80 to z\/b/,
  );
  assert.match(denied.stdout, /ingress: z\/b is not isolated/);

  const named = await cli([
    'netpol',
    'check',
    XYZ,
    POLICIES,
    '--from',
    'ip:192.168.1.2',
    '--to',
    'x/a',
    '--port',
    'serve-80-tcp',
  ]);
  assert.match(named.stdout, /^ALLOWED: x\/b -> x\/a TCP\/80/, 'a pod IP is that pod; a port name resolves');
});

test('netpol check: bad peers and ports are usage errors with one line', async () => {
  const run = await cli(['netpol', 'check', XYZ, '--from', 'x/nope', '--to', 'x/a', '--port', '80']);
  assert.equal(run.code, 2);
  assert.equal(run.stderr, 'kubeward: error: --from: no pod x/nope in the resources\n');
  const port = await cli(['netpol', 'check', XYZ, '--from', 'x/a', '--to', 'x/b', '--port', 'nope']);
  assert.equal(port.code, 2);
  assert.match(port.stderr, /--port: pod x\/b has no TCP port named "nope"/);
});

test('netpol check: a broken NetworkPolicy is an error naming file, line and field', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kw-netpol-'));
  const bad = join(dir, 'bad.yaml');
  await writeFile(
    bad,
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: bad, namespace: x}\nspec:\n  podSelector: {matchExpressions: [{key: a, operator: Equals, values: [b]}]}\n',
  );
  const run = await cli(['netpol', 'check', XYZ, bad, '--from', 'x/a', '--to', 'x/b', '--port', '80']);
  assert.equal(run.code, 3);
  assert.match(
    run.stderr,
    /^kubeward: error: .*bad\.yaml:1: NetworkPolicy x\/bad: spec\.podSelector\.matchExpressions\[0\]\.operator: must be one of/,
  );
  assert.equal(run.stderr.split('\n').length, 2, 'one line');
});

test('netpol verify: JSON results in order, exit 0 when all hold', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kw-verify-'));
  const out = join(dir, 'results.json');
  const run = await cli([
    'netpol',
    'verify',
    XYZ,
    POLICIES,
    '--expect',
    join(FIX, 'expect-x.yaml'),
    '--format',
    'json',
    '--output',
    out,
  ]);
  assert.equal(run.code, 0, run.stderr);
  const { results } = JSON.parse(await readFile(out, 'utf8')) as { results: Record<string, unknown>[] };
  assert.equal(results.length, 7);
  assert.deepEqual(Object.keys(results[0]!), [
    'from',
    'to',
    'port',
    'protocol',
    'expect',
    'actual',
    'reason',
  ]);
  assert.deepEqual(
    results.map((r) => r['actual']),
    ['allow', 'allow', 'deny', 'deny', 'deny', 'allow', 'allow'],
  );
  assert.deepEqual(results[1], {
    from: 'y/c',
    to: 'x/a',
    port: 80,
    protocol: 'TCP',
    expect: 'allow',
    actual: 'allow',
    reason:
      'egress: y/c is not isolated (no egress policy selects it); ingress: allowed by x/allow-a-from-b-and-y ingress[0]',
  });
});

test('netpol verify: a mismatch exits 1 and is listed with its reason', async () => {
  const run = await cli(['netpol', 'verify', XYZ, POLICIES, '--expect', join(FIX, 'expect-x-wrong.json')]);
  assert.equal(run.code, 1);
  assert.match(
    run.stdout,
    /MISMATCH z\/a -> x\/a TCP\/80: expected allow, got deny: .*x\/a is isolated by x\/allow-a-from-b-and-y/,
  );
  assert.match(run.stdout, /1 of 2 expectations hold/);
});

test('netpol verify: bad expectation files name the entry index and field', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kw-expect-'));
  const cases: [string, RegExp][] = [
    [
      'expectations:\n  - {from: x/a, to: x/b, port: 80, expect: maybe}\n',
      /expectations\[0\]\.expect: must be allow or deny, got "maybe"/,
    ],
    [
      'expectations:\n  - {from: x/a, to: x/b, port: 80, expect: allow}\n  - {from: x/a, to: x/b, expect: deny}\n',
      /expectations\[1\]\.port: must be a port number or name/,
    ],
    [
      'expectations:\n  - {from: x/a, to: x/b, port: 80, protocol: ICMP, expect: deny}\n',
      /expectations\[0\]\.protocol: must be TCP, UDP or SCTP/,
    ],
    [
      'expectations:\n  - {from: x/zz, to: x/b, port: 80, expect: deny}\n',
      /expectations\[0\]\.from: no pod x\/zz in the resources/,
    ],
    ['expectations: {from: x}\n', /expected a map with an "expectations" list/],
    ['expectations: [\n', /invalid YAML or JSON/],
  ];
  for (const [i, [text, pattern]] of cases.entries()) {
    const file = join(dir, `e${i}.yaml`);
    await writeFile(file, text);
    const run = await cli(['netpol', 'verify', XYZ, '--expect', file]);
    assert.equal(run.code, 2, `${text}: ${run.stderr}`);
    assert.match(run.stderr, pattern);
    assert.match(run.stderr, new RegExp(`e${i}\\.yaml`));
    assert.equal(run.stderr.trim().split('\n').length, 1);
  }
});

test('netpol matrix: every format renders', async () => {
  const json = await cli(['netpol', 'matrix', XYZ, POLICIES, '--format', 'json', '--ports', '80,81/UDP']);
  assert.equal(json.code, 0, json.stderr);
  const m = JSON.parse(json.stdout) as {
    ports: string[];
    classes: { id: string; pods: string[] }[];
    allowed: Record<string, number[][]>;
  };
  assert.deepEqual(m.ports, ['80/TCP', '81/UDP']);
  const index = (pod: string) => m.classes.findIndex((c) => c.pods.includes(pod));
  assert.equal(m.allowed['80/TCP']![index('z/a')]![index('x/a')], 0);
  assert.equal(m.allowed['80/TCP']![index('y/a')]![index('x/a')], 1);
  assert.equal(m.allowed['80/TCP']![index('x/a')]![index('z/a')], 0);
  for (const [format, pattern] of [
    ['table', /c1 +x\/a/],
    ['html', /^<!doctype html>[\s\S]*class="deny"/],
    ['dot', /^digraph netpol \{[\s\S]*->/],
    ['mermaid', /^flowchart LR\n[\s\S]*-->\|/],
  ] as const) {
    const run = await cli(['netpol', 'matrix', XYZ, POLICIES, '--format', format]);
    assert.equal(run.code, 0, `${format}: ${run.stderr}`);
    assert.match(run.stdout, pattern, format);
  }
  assert.doesNotMatch(
    (await cli(['netpol', 'matrix', XYZ, '--format', 'html'])).stdout,
    /<script|https?:\/\/(?!www\.w3)/,
    'self-contained',
  );
});

test('netpol check --nsg: NSG, then the Service, then the pod policies', async () => {
  const nsg = join(NSG, 'aks-nic-nsg.json');
  const web = await cli([
    'netpol',
    'check',
    SHOP,
    '--nsg',
    nsg,
    '--from',
    'Internet',
    '--to',
    'shop/web-7d4b9c6f5-x2x9q',
    '--port',
    '8443',
    '--format',
    'json',
  ]);
  assert.equal(web.code, 0, web.stderr);
  const a = JSON.parse(web.stdout) as {
    allowed: boolean;
    nsg: { rule: string; nsg: string };
    service: { name: string };
    ingress: { allowedBy: { policy: string }[] };
  };
  assert.equal(a.allowed, true);
  assert.equal(a.nsg.rule, 'k8s-azure-lb_allow_IPv4_a1b2c3d4e5f6');
  assert.equal(a.service.name, 'shop/web');
  assert.deepEqual(
    a.ingress.allowedBy.map((x) => x.policy),
    ['shop/web-from-internet'],
  );

  // Local keeps the client address, so the ipBlock except applies to it.
  const blocked = await cli([
    'netpol',
    'check',
    SHOP,
    '--nsg',
    nsg,
    '--from',
    'ip:198.51.100.9',
    '--to',
    'shop/web-7d4b9c6f5-x2x9q',
    '--port',
    '8443',
  ]);
  assert.match(blocked.stdout, /^DENIED/);
  assert.match(
    blocked.stdout,
    /NSG aks-agentpool-12345678-nsg rule k8s-azure-lb_allow_IPv4_a1b2c3d4e5f6 \(priority 500\) allows/,
  );
  assert.match(blocked.stdout, /pod ingress from 198\.51\.100\.9: denied/);

  // NodePort 30080 is open to 203.0.113.0/24 only, and admin accepts only shop pods (SNAT hides the client).
  const admin = await cli([
    'netpol',
    'check',
    SHOP,
    '--nsg',
    nsg,
    '--from',
    'ip:203.0.113.5',
    '--to',
    'shop/admin-5c8f7d9b4-k7m2p',
    '--port',
    '8080',
  ]);
  assert.match(admin.stdout, /^DENIED/);
  assert.match(admin.stdout, /k8s-azure-lb_allow_IPv4_nodeport/);
  assert.match(admin.stdout, /pod ingress from node 10\.224\.0\.4 \(SNAT\): denied/);
  const internet = await cli([
    'netpol',
    'check',
    SHOP,
    '--nsg',
    nsg,
    '--from',
    'Internet',
    '--to',
    'shop/admin-5c8f7d9b4-k7m2p',
    '--port',
    '8080',
  ]);
  assert.match(internet.stdout, /DenyAllInBound/);

  const viaFlag = await cli([
    'netpol',
    'check',
    SHOP,
    '--nsg',
    nsg,
    '--node-ip',
    '10.224.0.99',
    '--from',
    'ip:203.0.113.5',
    '--to',
    'shop/admin-5c8f7d9b4-k7m2p',
    '--port',
    '8080',
  ]);
  assert.match(viaFlag.stdout, /pod ingress from node 10\.224\.0\.99 \(SNAT\): denied/);

  const none = await cli([
    'netpol',
    'check',
    SHOP,
    '--nsg',
    nsg,
    '--from',
    'Internet',
    '--to',
    'shop/web-7d4b9c6f5-x2x9q',
    '--port',
    '9999',
  ]);
  assert.match(none.stdout, /^DENIED[\s\S]*no LoadBalancer or NodePort Service exposes/);
});

test('netpol verify reads a snapshot (--snapshot) the same as manifests', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'kw-verify-snap-'));
  const { parseManifestText } = await import('../../src/k8s/load-manifests.js');
  const items = [XYZ, POLICIES].flatMap((file) =>
    parseManifestText(readFileSync(file, 'utf8'), file).objects.map((o) => o.raw),
  );
  const snapshot = join(dir, 'snapshot.json');
  await writeFile(snapshot, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  const fromManifests = await cli([
    'netpol',
    'verify',
    XYZ,
    POLICIES,
    '--expect',
    join(FIX, 'expect-x.yaml'),
    '--format',
    'json',
  ]);
  const fromSnapshot = await cli([
    'netpol',
    'verify',
    '--snapshot',
    snapshot,
    '--expect',
    join(FIX, 'expect-x.yaml'),
    '--format',
    'json',
  ]);
  assert.equal(fromSnapshot.code, 0, fromSnapshot.stderr);
  assert.equal(fromSnapshot.stdout, fromManifests.stdout);
  const wrong = await cli([
    'netpol',
    'verify',
    '--snapshot',
    snapshot,
    '--expect',
    join(FIX, 'expect-x-wrong.json'),
  ]);
  assert.equal(wrong.code, 1);
});
