import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseNsg } from '../../../src/checks/nsg/parse-nsg.js';
import { parseNetworkContext, DEFAULT_NETWORK_CONTEXT } from '../../../src/checks/nsg/network-context.js';
import type { NsgQuery } from '../../../src/checks/nsg/evaluate.js';
import { evaluateNsg, evaluateNsgChain } from '../../../src/checks/nsg/evaluate.js';
import { parseIp } from '../../../src/checks/netpol/ip.js';
import { InputError, ConfigError } from '../../../src/core/errors.js';
import { lintNsgs } from '../../../src/checks/nsg/lint/index.js';

const DIR = join(import.meta.dirname, '..', '..', 'fixtures', 'nsg');
const read = (name: string): unknown => JSON.parse(readFileSync(join(DIR, name), 'utf8'));
const nic = parseNsg(read('aks-nic-nsg.json'), 'aks-nic-nsg.json');
const subnet = parseNsg(read('subnet-nsg-arm.json'), 'subnet-nsg-arm.json');
const network = parseNetworkContext(read('network.json'), 'network.json');

const addr = (text: string) => (text === 'Internet' ? { label: text } : { ip: parseIp(text)!, label: text });

interface Case {
  name: string;
  query: Omit<NsgQuery, 'source' | 'destination'> & { from: string; to: string };
  allowed: boolean;
  rule: string;
}

const cases = [
  {
    name: 'SSH from anywhere',
    query: { direction: 'Inbound', protocol: 'TCP', from: 'Internet', to: '10.224.0.4', destinationPort: 22 },
    allowed: true,
    rule: 'AllowSSHFromAnywhere',
  },
  {
    name: 'RDP: the deny at 310 wins over the allow at 400',
    query: {
      direction: 'Inbound',
      protocol: 'TCP',
      from: '198.51.100.7',
      to: '10.224.0.4',
      destinationPort: 3389,
    },
    allowed: false,
    rule: 'DenyRdpFromInternet',
  },
  {
    name: 'RDP from the vnet is not Internet: reaches AllowVnetInBound',
    query: {
      direction: 'Inbound',
      protocol: 'TCP',
      from: '10.224.0.9',
      to: '10.224.0.4',
      destinationPort: 3389,
    },
    allowed: true,
    rule: 'AllowVnetInBound',
  },
  {
    name: 'HTTPS to the load balancer IP',
    query: {
      direction: 'Inbound',
      protocol: 'TCP',
      from: 'Internet',
      to: '20.50.60.70',
      destinationPort: 443,
    },
    allowed: true,
    rule: 'k8s-azure-lb_allow_IPv4_a1b2c3d4e5f6',
  },
  {
    name: 'HTTPS to another public IP falls to DenyAllInBound',
    query: {
      direction: 'Inbound',
      protocol: 'TCP',
      from: 'Internet',
      to: '20.50.60.71',
      destinationPort: 443,
    },
    allowed: false,
    rule: 'DenyAllInBound',
  },
  {
    name: 'NodePort only from 203.0.113.0/24',
    query: {
      direction: 'Inbound',
      protocol: 'TCP',
      from: '203.0.113.9',
      to: '10.224.0.4',
      destinationPort: 30080,
    },
    allowed: true,
    rule: 'k8s-azure-lb_allow_IPv4_nodeport',
  },
  {
    name: 'an arbitrary Internet host is not inside 203.0.113.0/24',
    query: {
      direction: 'Inbound',
      protocol: 'TCP',
      from: 'Internet',
      to: '10.224.0.4',
      destinationPort: 30080,
    },
    allowed: false,
    rule: 'DenyAllInBound',
  },
  {
    name: 'sourceAddressPrefixes list and port list (9100)',
    query: {
      direction: 'Inbound',
      protocol: 'TCP',
      from: '192.0.2.10',
      to: '10.224.0.4',
      destinationPort: 9100,
    },
    allowed: true,
    rule: 'AllowMonitoring',
  },
  {
    name: 'port range 9090-9099',
    query: {
      direction: 'Inbound',
      protocol: 'TCP',
      from: '192.0.2.10',
      to: '10.224.0.4',
      destinationPort: 9095,
    },
    allowed: true,
    rule: 'AllowMonitoring',
  },
  {
    name: 'outside the port list',
    query: {
      direction: 'Inbound',
      protocol: 'TCP',
      from: '192.0.2.10',
      to: '10.224.0.4',
      destinationPort: 9200,
    },
    allowed: false,
    rule: 'DenyAllInBound',
  },
  {
    name: 'ASG member reaches 6443',
    query: {
      direction: 'Inbound',
      protocol: 'TCP',
      from: '10.224.0.10',
      to: '10.224.0.4',
      destinationPort: 6443,
    },
    allowed: true,
    rule: 'AllowAdminAsgToApi',
  },
  {
    name: 'non-member public IP does not',
    query: {
      direction: 'Inbound',
      protocol: 'TCP',
      from: '198.51.100.1',
      to: '10.224.0.4',
      destinationPort: 6443,
    },
    allowed: false,
    rule: 'DenyAllInBound',
  },
  {
    name: 'UDP from the Internet denied',
    query: { direction: 'Inbound', protocol: 'UDP', from: 'Internet', to: '10.224.0.4', destinationPort: 53 },
    allowed: false,
    rule: 'DenyUdpFromInternet',
  },
  {
    name: 'ICMP from a peered vnet',
    query: { direction: 'Inbound', protocol: 'ICMP', from: '10.1.2.3', to: '10.224.0.4' },
    allowed: true,
    rule: 'AllowIcmpFromVnet',
  },
  {
    name: 'Azure load balancer probes',
    query: {
      direction: 'Inbound',
      protocol: 'TCP',
      from: '168.63.129.16',
      to: '10.224.0.4',
      destinationPort: 10256,
    },
    allowed: true,
    rule: 'AllowAzureLoadBalancerInBound',
  },
  {
    name: 'ESP from on-premises is VirtualNetwork',
    query: { direction: 'Inbound', protocol: 'ESP', from: '172.16.5.5', to: '10.224.0.4' },
    allowed: true,
    rule: 'AllowVnetInBound',
  },
  {
    name: 'service tag from --network',
    query: {
      direction: 'Outbound',
      protocol: 'TCP',
      from: '10.224.0.4',
      to: '20.38.1.1',
      destinationPort: 443,
    },
    allowed: true,
    rule: 'AllowStorageOut',
  },
  {
    name: 'SMTP out denied',
    query: {
      direction: 'Outbound',
      protocol: 'TCP',
      from: '10.224.0.4',
      to: '198.51.100.25',
      destinationPort: 25,
    },
    allowed: false,
    rule: 'DenySmtpOut',
  },
  {
    name: 'AllowInternetOutBound default',
    query: {
      direction: 'Outbound',
      protocol: 'TCP',
      from: '10.224.0.4',
      to: 'Internet',
      destinationPort: 443,
    },
    allowed: true,
    rule: 'AllowInternetOutBound',
  },
  {
    name: 'private address outside the vnet is not Internet: DenyAllOutBound',
    query: { direction: 'Outbound', protocol: 'AH', from: '10.224.0.4', to: '192.168.9.9' },
    allowed: false,
    rule: 'DenyAllOutBound',
  },
] satisfies Case[];

for (const c of cases) {
  test(`nsg: ${c.name}`, () => {
    const { from, to, ...rest } = c.query;
    const d = evaluateNsg(nic, { ...rest, source: addr(from), destination: addr(to) }, network);
    assert.equal(d.allowed, c.allowed);
    assert.equal(d.rule?.name, c.rule);
  });
}

test('nsg: ARM shape with properties, odd casing and built-in default rules', () => {
  assert.equal(subnet.name, 'snet-aks-nsg');
  assert.ok(subnet.rules.some((r) => r.name === 'DenyAllInBound' && r.isDefault));
  const d = evaluateNsg(
    subnet,
    {
      direction: 'Inbound',
      protocol: 'TCP',
      source: addr('Internet'),
      destination: addr('10.224.0.4'),
      destinationPort: 8080,
    },
    DEFAULT_NETWORK_CONTEXT,
  );
  assert.deepEqual([d.allowed, d.rule?.name], [false, 'DenyHttpAltInbound']);
});

test('nsg: subnet then NIC inbound, NIC then subnet outbound; both must allow', () => {
  const q = (port: number, direction: 'Inbound' | 'Outbound' = 'Inbound') => ({
    direction,
    protocol: 'TCP' as const,
    source: direction === 'Inbound' ? addr('Internet') : addr('10.224.0.4'),
    destination: direction === 'Inbound' ? addr('20.50.60.70') : addr('198.51.100.25'),
    destinationPort: port,
  });
  const https = evaluateNsgChain({ subnet, nic }, q(443), network);
  assert.deepEqual(
    [https.allowed, https.rule?.name, https.nsg.name],
    [true, 'k8s-azure-lb_allow_IPv4_a1b2c3d4e5f6', 'aks-agentpool-12345678-nsg'],
  );
  assert.deepEqual(
    https.steps.map((s) => s.nsg.name),
    ['snet-aks-nsg', 'aks-agentpool-12345678-nsg'],
  );
  const alt = evaluateNsgChain({ subnet, nic }, q(8080), network);
  assert.deepEqual(
    [alt.allowed, alt.rule?.name, alt.nsg.name, alt.steps.length],
    [false, 'DenyHttpAltInbound', 'snet-aks-nsg', 1],
  );
  const ssh = evaluateNsgChain({ subnet, nic }, q(3389), network);
  assert.deepEqual(
    [ssh.allowed, ssh.nsg.name],
    [false, 'aks-agentpool-12345678-nsg'],
    'subnet allows all, NIC denies',
  );
  const smtp = evaluateNsgChain({ subnet, nic }, q(25, 'Outbound'), network);
  assert.deepEqual(
    [smtp.allowed, smtp.nsg.name, smtp.steps.length],
    [false, 'aks-agentpool-12345678-nsg', 1],
    'NIC first outbound',
  );
});

test('nsg: bad files give one-line errors naming file, rule and field', () => {
  const bad = (value: unknown) => () => parseNsg(value, 'bad.json');
  assert.throws(
    bad([]),
    (e: unknown) => e instanceof InputError && /bad\.json: a list of NSGs/.test(e.message),
  );
  assert.throws(bad({ name: 'x' }), /bad\.json: securityRules: missing/);
  const rule = {
    name: 'R1',
    priority: 100,
    direction: 'Inbound',
    access: 'Allow',
    protocol: 'Tcp',
    sourceAddressPrefix: '*',
    sourcePortRange: '*',
    destinationAddressPrefix: '*',
    destinationPortRange: '*',
  };
  assert.throws(
    bad({ securityRules: [{ ...rule, protocol: 'Gre' }] }),
    /bad\.json: securityRules\[0\] \(R1\): protocol: must be/,
  );
  assert.throws(
    bad({ securityRules: [{ ...rule, destinationPortRange: '70000' }] }),
    /securityRules\[0\] \(R1\): destinationPortRange: not a port/,
  );
  assert.throws(bad({ securityRules: [{ ...rule, priority: 'high' }] }), /priority: must be a number/);
  assert.throws(
    bad({ securityRules: [{ ...rule, sourceAddressPrefix: '10.0.0.0/33' }] }),
    /sourceAddressPrefix: not an address/,
  );
  assert.throws(
    () => parseNetworkContext({ vnetAddressSpace: ['nope'] }, 'net.json'),
    (e: unknown) => e instanceof ConfigError && /net\.json: vnetAddressSpace\[0\]/.test(e.message),
  );
  assert.throws(() => parseNetworkContext({ vnet: [] }, 'net.json'), /unknown key vnet/);
});

test('nsg lint: management ports, shadowed rules, broad allows', () => {
  const findings = lintNsgs([nic, subnet], network);
  const got = findings.map((f) => `${f.ruleId} ${f.target.name}`).sort();
  assert.deepEqual(got, [
    'nsg.management-port-open-from-internet aks-agentpool-12345678-nsg/AllowSSHFromAnywhere',
    'nsg.management-port-open-from-internet snet-aks-nsg/AllowAllInbound',
    'nsg.overly-broad-allow snet-aks-nsg/AllowAllInbound',
    'nsg.rule-shadowed aks-agentpool-12345678-nsg/AllowRdpFromInternet',
  ]);
  assert.match(
    findings.find((f) => f.target.name.endsWith('AllowAllInbound') && f.ruleId.includes('management'))
      ?.detail ?? '',
    /SSH \(22\), RDP \(3389\), the Kubernetes API server \(6443\), the kubelet API \(10250\)/,
  );
  const shadow = findings.find((f) => f.ruleId === 'nsg.rule-shadowed');
  assert.match(shadow?.detail ?? '', /shadowed by DenyRdpFromInternet \(priority 310\); never takes effect/);
});
