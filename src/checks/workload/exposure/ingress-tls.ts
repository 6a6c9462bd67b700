import type { K8sObject } from '../../../k8s/object.js';
import { asArray, getPath, isObject } from '../../../k8s/object.js';

export interface IngressRuleHost {
  index: number;
  /** Undefined for a rule without `host`, which matches every host name. */
  host: string | undefined;
}

export function ruleHostsOf(ingress: K8sObject): IngressRuleHost[] {
  return asArray(getPath(ingress.raw, ['spec', 'rules'])).map((rule, index) => {
    const host =
      isObject(rule) && typeof rule['host'] === 'string' && rule['host'] !== '' ? rule['host'] : undefined;
    return { index, host };
  });
}

/** Each `spec.tls` entry's hosts; an entry without hosts stands for the controller's default certificate. */
export function tlsEntriesOf(ingress: K8sObject): (readonly string[] | 'all')[] {
  return asArray(getPath(ingress.raw, ['spec', 'tls']))
    .filter(isObject)
    .map((entry) => {
      const hosts = asArray(entry['hosts']).filter((h): h is string => typeof h === 'string' && h !== '');
      return hosts.length === 0 ? 'all' : hosts.map((h) => h.toLowerCase());
    });
}

/** A TLS host covers a rule host when equal, or as a wildcard (`*.example.com`) covering exactly one label. */
export function tlsCovers(tlsHost: string, host: string): boolean {
  const h = host.toLowerCase();
  if (tlsHost === h) return true;
  if (!tlsHost.startsWith('*.')) return false;
  const dot = h.indexOf('.');
  return dot > 0 && !h.startsWith('*') && h.slice(dot + 1) === tlsHost.slice(2);
}

export function isHostCovered(
  host: string | undefined,
  entries: readonly (readonly string[] | 'all')[],
): boolean {
  return entries.some(
    (entry) => entry === 'all' || (host !== undefined && entry.some((t) => tlsCovers(t, host))),
  );
}
