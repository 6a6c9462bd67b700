/**
 * NetworkPolicy (networking.k8s.io/v1) from a hostile raw object into the engine's model, with the API
 * server's defaulting (policyTypes, protocol TCP) and the validation that changes meaning (a peer must be
 * exactly one of selectors or ipBlock; `except` inside `cidr`; endPort only with a numeric port).
 */
import type { K8sObject } from '../../k8s/object.js';
import { asArray, effectiveNamespace, getPath, isObject } from '../../k8s/object.js';
import type { Cidr } from './ip.js';
import { cidrCovers, parseCidr } from './ip.js';
import type { Direction, NetworkPolicyModel, Peer, PolicyRule, PortSpec, Protocol } from './model.js';
import { PROTOCOLS } from './model.js';
import type { Parsed } from './selector.js';
import { parseSelector } from './selector.js';

type Fail = Extract<Parsed<never>, { ok: false }>;
const fail = (field: string, message: string): Fail => ({ ok: false, field, message });

export function parseNetworkPolicy(object: K8sObject): Parsed<NetworkPolicyModel> {
  const spec = object.raw['spec'];
  if (spec !== undefined && !isObject(spec)) return fail('spec', 'must be a map');
  const podSelector = parseSelector(getPath(spec, ['podSelector']), 'spec.podSelector');
  if (!podSelector.ok) return podSelector;
  const rules: Record<Direction, PolicyRule[]> = { ingress: [], egress: [] };
  for (const direction of ['ingress', 'egress'] as const) {
    const list = getPath(spec, [direction]);
    if (list !== undefined && list !== null && !Array.isArray(list))
      return fail(`spec.${direction}`, 'must be a list');
    for (const [index, raw] of asArray(list).entries()) {
      const rule = parseRule(raw, direction, index);
      if (!rule.ok) return rule;
      rules[direction].push(rule.value);
    }
  }
  const isolates = parsePolicyTypes(getPath(spec, ['policyTypes']), rules.egress.length > 0);
  if (!isolates.ok) return isolates;
  return {
    ok: true,
    value: {
      namespace: effectiveNamespace(object) ?? 'default',
      name: object.metadata.name,
      podSelector: podSelector.value,
      isolates: isolates.value,
      ingress: rules.ingress,
      egress: rules.egress,
      object,
    },
  };
}

/** API defaulting: no policyTypes means Ingress, plus Egress when the policy has egress rules. */
function parsePolicyTypes(raw: unknown, hasEgressRules: boolean): Parsed<NetworkPolicyModel['isolates']> {
  if (raw === undefined || raw === null || (Array.isArray(raw) && raw.length === 0))
    return { ok: true, value: { ingress: true, egress: hasEgressRules } };
  if (!Array.isArray(raw)) return fail('spec.policyTypes', 'must be a list');
  const value = { ingress: false, egress: false };
  for (const [index, type] of raw.entries()) {
    if (type === 'Ingress') value.ingress = true;
    else if (type === 'Egress') value.egress = true;
    else return fail(`spec.policyTypes[${index}]`, `must be Ingress or Egress, got ${JSON.stringify(type)}`);
  }
  return { ok: true, value };
}

function parseRule(raw: unknown, direction: Direction, index: number): Parsed<PolicyRule> {
  const at = `spec.${direction}[${index}]`;
  if (raw === null || raw === undefined) return { ok: true, value: { direction, index } };
  if (!isObject(raw)) return fail(at, 'must be a map');
  const peersField = direction === 'ingress' ? 'from' : 'to';
  const rawPeers = raw[peersField];
  if (rawPeers !== undefined && rawPeers !== null && !Array.isArray(rawPeers))
    return fail(`${at}.${peersField}`, 'must be a list');
  const rawPorts = raw['ports'];
  if (rawPorts !== undefined && rawPorts !== null && !Array.isArray(rawPorts))
    return fail(`${at}.ports`, 'must be a list');
  const rule: PolicyRule = { direction, index };
  // An empty list means the same as a missing one: every peer, every port.
  if (Array.isArray(rawPeers) && rawPeers.length > 0) {
    const peers: Peer[] = [];
    for (const [i, p] of rawPeers.entries()) {
      const peer = parsePeer(p, `${at}.${peersField}[${i}]`);
      if (!peer.ok) return peer;
      peers.push(peer.value);
    }
    rule.peers = peers;
  }
  if (Array.isArray(rawPorts) && rawPorts.length > 0) {
    const ports: PortSpec[] = [];
    for (const [i, p] of rawPorts.entries()) {
      const port = parsePort(p, `${at}.ports[${i}]`);
      if (!port.ok) return port;
      ports.push(port.value);
    }
    rule.ports = ports;
  }
  return { ok: true, value: rule };
}

function parsePeer(raw: unknown, at: string): Parsed<Peer> {
  if (!isObject(raw)) return fail(at, 'must be a map');
  const hasPods = raw['podSelector'] !== undefined && raw['podSelector'] !== null;
  const hasNamespaces = raw['namespaceSelector'] !== undefined && raw['namespaceSelector'] !== null;
  const hasIpBlock = raw['ipBlock'] !== undefined && raw['ipBlock'] !== null;
  if (hasIpBlock && (hasPods || hasNamespaces))
    return fail(at, 'ipBlock may not be combined with podSelector or namespaceSelector');
  if (hasIpBlock) return parseIpBlock(raw['ipBlock'], `${at}.ipBlock`);
  if (!hasPods && !hasNamespaces)
    return fail(at, 'must specify podSelector, namespaceSelector or ipBlock (an empty peer is invalid)');
  const peer: Peer = { kind: 'pods' };
  if (hasPods) {
    const s = parseSelector(raw['podSelector'], `${at}.podSelector`);
    if (!s.ok) return s;
    peer.podSelector = s.value;
  }
  if (hasNamespaces) {
    const s = parseSelector(raw['namespaceSelector'], `${at}.namespaceSelector`);
    if (!s.ok) return s;
    peer.namespaceSelector = s.value;
  }
  return { ok: true, value: peer };
}

function parseIpBlock(raw: unknown, at: string): Parsed<Peer> {
  if (!isObject(raw)) return fail(at, 'must be a map');
  if (typeof raw['cidr'] !== 'string') return fail(`${at}.cidr`, 'must be a CIDR string');
  const cidr = parseCidr(raw['cidr']);
  if (!cidr) return fail(`${at}.cidr`, `not a valid CIDR: ${JSON.stringify(raw['cidr'])}`);
  const except: Cidr[] = [];
  const rawExcept = raw['except'];
  if (rawExcept !== undefined && rawExcept !== null && !Array.isArray(rawExcept))
    return fail(`${at}.except`, 'must be a list');
  for (const [i, e] of asArray(rawExcept).entries()) {
    const c = typeof e === 'string' ? parseCidr(e) : undefined;
    if (!c) return fail(`${at}.except[${i}]`, `not a valid CIDR: ${JSON.stringify(e)}`);
    // The API server rejects an except that is not a strict subset of cidr; so do we, to stay in step.
    if (!cidrCovers(cidr, c) || c.bits <= cidr.bits)
      return fail(`${at}.except[${i}]`, `${c.text} is not a strict subset of ${cidr.text}`);
    except.push(c);
  }
  return { ok: true, value: { kind: 'ipBlock', cidr, except } };
}

function parsePort(raw: unknown, at: string): Parsed<PortSpec> {
  if (!isObject(raw)) return fail(at, 'must be a map');
  const protocolRaw = raw['protocol'] ?? 'TCP';
  if (typeof protocolRaw !== 'string' || !PROTOCOLS.includes(protocolRaw as Protocol))
    return fail(`${at}.protocol`, `must be TCP, UDP or SCTP, got ${JSON.stringify(protocolRaw)}`);
  const spec: PortSpec = { protocol: protocolRaw as Protocol };
  const port = raw['port'];
  if (port !== undefined && port !== null) {
    if (typeof port === 'number' || (typeof port === 'string' && /^\d+$/.test(port))) {
      const n = Number(port);
      if (!Number.isInteger(n) || n < 1 || n > 65535)
        return fail(`${at}.port`, `must be 1-65535, got ${port}`);
      spec.port = n;
    } else if (typeof port === 'string' && /^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/.test(port)) {
      spec.port = port;
    } else {
      return fail(`${at}.port`, `must be a port number or a port name, got ${JSON.stringify(port)}`);
    }
  }
  const endPort = raw['endPort'];
  if (endPort !== undefined && endPort !== null) {
    if (typeof spec.port !== 'number') return fail(`${at}.endPort`, 'may only be set with a numeric port');
    if (typeof endPort !== 'number' || !Number.isInteger(endPort) || endPort < spec.port || endPort > 65535)
      return fail(
        `${at}.endPort`,
        `must be a number from port (${spec.port}) to 65535, got ${String(endPort)}`,
      );
    spec.endPort = endPort;
  }
  return { ok: true, value: spec };
}
