/**
 * The `netpol verify` expectation file: `{expectations: [{from, to, port, protocol, expect}]}` (a bare list
 * is accepted too). Errors name the file, the entry index and the field, so CI logs point at the line to fix.
 */
import { ConfigError } from '../../core/errors.js';
import { isObject } from '../../k8s/object.js';
import type { Protocol } from './model.js';
import { PROTOCOLS } from './model.js';

export type Expected = 'allow' | 'deny';

export interface Expectation {
  from: string;
  to: string;
  /** A number, or a port name resolved against the destination pod. */
  port: number | string;
  protocol: Protocol;
  expect: Expected;
}

export function parseExpectations(value: unknown, file: string): Expectation[] {
  const list = Array.isArray(value) ? value : isObject(value) ? value['expectations'] : undefined;
  if (!Array.isArray(list)) throw new ConfigError(`${file}: expected a map with an "expectations" list`);
  return list.map((entry, index) => parseEntry(entry, `${file}: expectations[${index}]`));
}

function parseEntry(entry: unknown, at: string): Expectation {
  if (!isObject(entry)) throw new ConfigError(`${at}: must be a map`);
  const known = new Set(['from', 'to', 'port', 'protocol', 'expect']);
  for (const key of Object.keys(entry))
    if (!known.has(key)) throw new ConfigError(`${at}: unknown field ${key}`);
  const peer = (field: 'from' | 'to'): string => {
    const v = entry[field];
    if (typeof v !== 'string' || !v.trim())
      throw new ConfigError(`${at}.${field}: must be NAMESPACE/POD or ip:ADDRESS`);
    return v.trim();
  };
  const rawPort = entry['port'];
  let port: number | string;
  if (typeof rawPort === 'number' || (typeof rawPort === 'string' && /^\d+$/.test(rawPort))) {
    port = Number(rawPort);
    if (!Number.isInteger(port) || port < 1 || port > 65535)
      throw new ConfigError(`${at}.port: must be 1-65535, got ${String(rawPort)}`);
  } else if (typeof rawPort === 'string' && rawPort.trim()) {
    port = rawPort.trim();
  } else {
    throw new ConfigError(`${at}.port: must be a port number or name`);
  }
  const rawProtocol = entry['protocol'] ?? 'TCP';
  const protocol = typeof rawProtocol === 'string' ? rawProtocol.toUpperCase() : '';
  if (!PROTOCOLS.includes(protocol as Protocol))
    throw new ConfigError(`${at}.protocol: must be TCP, UDP or SCTP, got ${JSON.stringify(rawProtocol)}`);
  const rawExpect = entry['expect'];
  const expect = typeof rawExpect === 'string' ? rawExpect.toLowerCase() : rawExpect;
  if (expect !== 'allow' && expect !== 'deny')
    throw new ConfigError(`${at}.expect: must be allow or deny, got ${JSON.stringify(rawExpect)}`);
  return { from: peer('from'), to: peer('to'), port, protocol: protocol as Protocol, expect };
}
