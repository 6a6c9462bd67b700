import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from './run-cli.js';

const DIR = join(import.meta.dirname, '..', 'fixtures', 'nsg');
const NIC = join(DIR, 'aks-nic-nsg.json');
const SUBNET = join(DIR, 'subnet-nsg-arm.json');
const NETWORK = join(DIR, 'network.json');

const check = (...args: string[]) => cli(['nsg', 'check', ...args, '--format', 'json']);

test('nsg check --format json prints {allowed, rule, nsg}', async () => {
  const run = await check(
    '--nsg',
    NIC,
    '--direction',
    'Inbound',
    '--protocol',
    'TCP',
    '--from',
    'Internet',
    '--to',
    '20.50.60.70',
    '--port',
    '443',
  );
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), {
    allowed: true,
    rule: 'k8s-azure-lb_allow_IPv4_a1b2c3d4e5f6',
    nsg: 'aks-agentpool-12345678-nsg',
  });
  const ssh = await check(
    '--nsg',
    NIC,
    '--direction',
    'inbound',
    '--protocol',
    'tcp',
    '--from',
    '198.51.100.1',
    '--to',
    '10.224.0.4',
    '--port',
    '3389',
    '--source-port',
    '50000',
  );
  assert.deepEqual(JSON.parse(ssh.stdout), {
    allowed: false,
    rule: 'DenyRdpFromInternet',
    nsg: 'aks-agentpool-12345678-nsg',
  });
});

test('nsg check with subnet and NIC NSGs and a network file', async () => {
  const inbound = await check(
    '--subnet-nsg',
    SUBNET,
    '--nic-nsg',
    NIC,
    '--network',
    NETWORK,
    '--direction',
    'Inbound',
    '--protocol',
    'TCP',
    '--from',
    'Internet',
    '--to',
    '10.224.0.4',
    '--port',
    '8080',
  );
  assert.deepEqual(JSON.parse(inbound.stdout), {
    allowed: false,
    rule: 'DenyHttpAltInbound',
    nsg: 'snet-aks-nsg',
  });
  const asg = await check(
    '--subnet-nsg',
    SUBNET,
    '--nic-nsg',
    NIC,
    '--network',
    NETWORK,
    '--direction',
    'Inbound',
    '--protocol',
    'TCP',
    '--from',
    '10.224.0.10',
    '--to',
    '10.224.0.4',
    '--port',
    '6443',
  );
  assert.deepEqual(JSON.parse(asg.stdout), {
    allowed: true,
    rule: 'AllowAdminAsgToApi',
    nsg: 'aks-agentpool-12345678-nsg',
  });
  const out = await check(
    '--subnet-nsg',
    SUBNET,
    '--nic-nsg',
    NIC,
    '--network',
    NETWORK,
    '--direction',
    'Outbound',
    '--protocol',
    'Any',
    '--from',
    '10.224.0.4',
    '--to',
    '20.38.1.1',
  );
  assert.deepEqual(JSON.parse(out.stdout), {
    allowed: true,
    rule: 'AllowInternetOutBound',
    nsg: 'snet-aks-nsg',
  });
  const text = await cli([
    'nsg',
    'check',
    '--subnet-nsg',
    SUBNET,
    '--nic-nsg',
    NIC,
    '--direction',
    'Inbound',
    '--protocol',
    'ICMP',
    '--from',
    '10.1.0.1',
    '--to',
    '10.224.0.4',
  ]);
  assert.match(
    text.stdout,
    /^ALLOWED[\s\S]*snet-aks-nsg: allow by AllowAllInbound \(priority 300\)[\s\S]*aks-agentpool-12345678-nsg: allow by AllowIcmpFromVnet/,
  );
});

test('nsg check: usage and input errors are one line', async () => {
  const noNsg = await check(
    '--direction',
    'Inbound',
    '--protocol',
    'TCP',
    '--from',
    'Internet',
    '--to',
    '10.0.0.1',
  );
  assert.equal(noNsg.code, 2);
  assert.match(noNsg.stderr, /--nsg: give --nsg FILE/);
  const badProto = await check(
    '--nsg',
    NIC,
    '--direction',
    'Inbound',
    '--protocol',
    'GRE',
    '--from',
    'Internet',
    '--to',
    '10.0.0.1',
  );
  assert.equal(badProto.code, 2);
  assert.match(badProto.stderr, /--protocol: must be one of TCP, UDP, ICMP, ESP, AH, Any/);
  const badIp = await check(
    '--nsg',
    NIC,
    '--direction',
    'Inbound',
    '--protocol',
    'TCP',
    '--from',
    'Internet',
    '--to',
    '10.0.0.300',
  );
  assert.equal(badIp.code, 2);
  const dir = await mkdtemp(join(tmpdir(), 'kw-nsg-'));
  const broken = join(dir, 'broken.json');
  await writeFile(
    broken,
    JSON.stringify({
      name: 'n',
      securityRules: [{ name: 'R', priority: 100, direction: 'Sideways', access: 'Allow', protocol: 'Tcp' }],
    }),
  );
  const bad = await check(
    '--nsg',
    broken,
    '--direction',
    'Inbound',
    '--protocol',
    'TCP',
    '--from',
    'Internet',
    '--to',
    '10.0.0.1',
  );
  assert.equal(bad.code, 3);
  assert.match(
    bad.stderr,
    /^kubeward: error: .*broken\.json: securityRules\[0\] \(R\): direction: must be Inbound or Outbound, got "Sideways"\n$/,
  );
  await writeFile(broken, '{ not json');
  assert.equal(
    (
      await check(
        '--nsg',
        broken,
        '--direction',
        'Inbound',
        '--protocol',
        'TCP',
        '--from',
        'Internet',
        '--to',
        '10.0.0.1',
      )
    ).code,
    3,
  );
  const missing = await check(
    '--nsg',
    join(dir, 'nope.json'),
    '--direction',
    'Inbound',
    '--protocol',
    'TCP',
    '--from',
    'Internet',
    '--to',
    '10.0.0.1',
  );
  assert.match(missing.stderr, /nope\.json: cannot read: ENOENT/);
});

test('nsg lint reports findings through the report formatters and --fail-on', async () => {
  const run = await cli([
    'nsg',
    'lint',
    NIC,
    SUBNET,
    '--network',
    NETWORK,
    '--format',
    'json',
    '--fail-on',
    'high',
  ]);
  assert.equal(run.code, 1);
  const report = JSON.parse(run.stdout) as { findings: { ruleId: string }[] };
  const ids = new Set(report.findings.map((f) => f.ruleId));
  assert.deepEqual([...ids].sort(), [
    'nsg.management-port-open-from-internet',
    'nsg.overly-broad-allow',
    'nsg.rule-shadowed',
  ]);
  assert.equal((await cli(['nsg', 'lint', NIC, '--format', 'sarif'])).code, 0);
});
