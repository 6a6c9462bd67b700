/**
 * Parse what `az network nsg show -o json` prints (or the ARM/REST shape with `properties`) into rules.
 * Every error names the file, the rule and the field, as one line.
 */
import { InputError } from '../../core/errors.js';
import { asArray, isObject } from '../../k8s/object.js';
import type { JsonObject } from '../../k8s/object.js';
import { parseCidr } from '../netpol/ip.js';
import { DEFAULT_RULES } from './default-rules.js';
import { field, flatten } from './fields.js';
import type { AddressItem, Nsg, NsgAccess, NsgDirection, NsgProtocol, NsgRule, PortRange } from './model.js';

const PROTOCOLS: Record<string, NsgProtocol> = {
  tcp: 'TCP',
  udp: 'UDP',
  icmp: 'ICMP',
  esp: 'ESP',
  ah: 'AH',
  '*': '*',
  any: '*',
};

export function parseNsg(value: unknown, file: string): Nsg {
  if (Array.isArray(value))
    throw new InputError(
      `${file}: a list of NSGs; pass one NSG (az network nsg show), not az network nsg list`,
    );
  if (!isObject(value)) throw new InputError(`${file}: not an NSG object (az network nsg show -o json)`);
  const nsg = flatten(value);
  const id = typeof field(nsg, 'id') === 'string' ? (field(nsg, 'id') as string) : undefined;
  const nameField = field(nsg, 'name');
  const name = typeof nameField === 'string' && nameField ? nameField : (id?.split('/').pop() ?? file);
  const custom = field(nsg, 'securityRules');
  const defaults = field(nsg, 'defaultSecurityRules');
  if (custom === undefined && defaults === undefined)
    throw new InputError(`${file}: securityRules: missing; is this the output of az network nsg show?`);
  const rules: NsgRule[] = [];
  for (const [key, list, isDefault] of [
    ['securityRules', custom, false],
    ['defaultSecurityRules', defaults, true],
  ] as const) {
    if (list !== undefined && list !== null && !Array.isArray(list))
      throw new InputError(`${file}: ${key}: must be a list`);
    asArray(list).forEach((raw, index) => rules.push(parseRule(raw, `${key}[${index}]`, isDefault, file)));
  }
  // Azure applies its default rules whether or not the file lists them.
  if (!Array.isArray(defaults) || defaults.length === 0)
    for (const d of DEFAULT_RULES)
      rules.push({
        name: d.name,
        priority: d.priority,
        direction: d.direction,
        access: d.access,
        protocol: '*',
        sources: [addressItem(d.source)!],
        destinations: [addressItem(d.destination)!],
        sourcePorts: [ANY_PORT],
        destinationPorts: [ANY_PORT],
        isDefault: true,
        path: 'defaultSecurityRules (built in)',
      });
  rules.sort((a, b) =>
    a.direction < b.direction ? -1 : a.direction > b.direction ? 1 : a.priority - b.priority,
  );
  return { name, ...(id ? { id } : {}), file, rules };
}

const ANY_PORT: PortRange = { first: 0, last: 65535, text: '*' };

function parseRule(raw: unknown, path: string, isDefault: boolean, file: string): NsgRule {
  if (!isObject(raw)) throw new InputError(`${file}: ${path}: must be a map`);
  const rule = flatten(raw);
  const nameRaw = field(rule, 'name');
  const name = typeof nameRaw === 'string' && nameRaw ? nameRaw : path;
  const at = `${file}: ${path} (${name})`;
  const priority = Number(field(rule, 'priority'));
  if (!Number.isInteger(priority)) throw new InputError(`${at}: priority: must be a number`);
  const direction = oneOf<NsgDirection>(
    field(rule, 'direction'),
    ['Inbound', 'Outbound'],
    `${at}: direction`,
  );
  const access = oneOf<NsgAccess>(field(rule, 'access'), ['Allow', 'Deny'], `${at}: access`);
  const protocolRaw = field(rule, 'protocol');
  const protocol = typeof protocolRaw === 'string' ? PROTOCOLS[protocolRaw.toLowerCase()] : undefined;
  if (!protocol)
    throw new InputError(
      `${at}: protocol: must be Tcp, Udp, Icmp, Esp, Ah or *, got ${JSON.stringify(protocolRaw)}`,
    );
  return {
    name,
    priority,
    direction,
    access,
    protocol,
    sources: addresses(rule, 'source', at),
    destinations: addresses(rule, 'destination', at),
    sourcePorts: ports(rule, 'sourcePortRange', at),
    destinationPorts: ports(rule, 'destinationPortRange', at),
    isDefault,
    path,
  };
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], at: string): T {
  const found =
    typeof value === 'string' ? allowed.find((a) => a.toLowerCase() === value.toLowerCase()) : undefined;
  if (!found) throw new InputError(`${at}: must be ${allowed.join(' or ')}, got ${JSON.stringify(value)}`);
  return found;
}

/** `xAddressPrefix`, `xAddressPrefixes` and `xApplicationSecurityGroups` together form the rule's side. */
function addresses(rule: JsonObject, side: 'source' | 'destination', at: string): AddressItem[] {
  const texts: string[] = [];
  const single = field(rule, `${side}AddressPrefix`);
  if (typeof single === 'string' && single) texts.push(single);
  for (const [i, p] of asArray(field(rule, `${side}AddressPrefixes`)).entries()) {
    if (typeof p !== 'string' || !p)
      throw new InputError(`${at}: ${side}AddressPrefixes[${i}]: must be a string`);
    texts.push(p);
  }
  const items: AddressItem[] = [];
  for (const text of texts) {
    const item = addressItem(text);
    if (!item) throw new InputError(`${at}: ${side}AddressPrefix: not an address, prefix or tag: "${text}"`);
    items.push(item);
  }
  for (const [i, g] of asArray(field(rule, `${side}ApplicationSecurityGroups`)).entries()) {
    const id = isObject(g) ? field(g, 'id') : undefined;
    if (typeof id !== 'string' || !id)
      throw new InputError(`${at}: ${side}ApplicationSecurityGroups[${i}].id: must be a resource id`);
    items.push({ kind: 'asg', id, text: id.split('/').pop() ?? id });
  }
  if (items.length === 0)
    throw new InputError(
      `${at}: ${side}AddressPrefix: missing (no prefix, prefixes or application security group)`,
    );
  return items;
}

export function addressItem(text: string): AddressItem | undefined {
  const t = text.trim();
  if (t === '*' || /^any$/i.test(t)) return { kind: 'any', text: t };
  if (/^[0-9a-fA-F:.]+(\/\d+)?$/.test(t) && /[.:]/.test(t)) {
    const cidr = parseCidr(t, { allowBareAddress: true });
    return cidr ? { kind: 'cidr', cidr, text: t } : undefined;
  }
  if (/^[A-Za-z][A-Za-z0-9.\-_]*$/.test(t)) return { kind: 'tag', name: t, text: t };
  return undefined;
}

function ports(rule: JsonObject, key: 'sourcePortRange' | 'destinationPortRange', at: string): PortRange[] {
  const texts: string[] = [];
  const single = field(rule, key);
  if (typeof single === 'string' && single) texts.push(single);
  else if (typeof single === 'number') texts.push(String(single));
  for (const p of asArray(field(rule, `${key}s`)))
    if (typeof p === 'string' || typeof p === 'number') texts.push(String(p));
  if (texts.length === 0) throw new InputError(`${at}: ${key}: missing`);
  return texts.map((text) => {
    const range = portRange(text);
    if (!range) throw new InputError(`${at}: ${key}: not a port, range or *: "${text}"`);
    return range;
  });
}

export function portRange(text: string): PortRange | undefined {
  const t = text.trim();
  if (t === '*' || /^any$/i.test(t)) return { first: 0, last: 65535, text: '*' };
  const m = /^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$/.exec(t);
  if (!m) return undefined;
  const first = Number(m[1]);
  const last = m[2] === undefined ? first : Number(m[2]);
  if (first > 65535 || last > 65535 || last < first) return undefined;
  return { first, last, text: t };
}
