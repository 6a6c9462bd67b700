/**
 * Shared readers for the PSS checks. Input is hostile: every reader accepts `unknown` and never throws.
 *
 * Ambiguity policy: the Kubernetes YAML decoder reads unquoted YAML 1.1 words (`yes`, `off`, ...) as
 * booleans, while our YAML 1.2 loader keeps them as strings, so those words count as the boolean they spell.
 * Any other wrong-typed value (which the API server would reject) is read in the direction that reports a
 * violation: a field that must not be true is only safe when absent or false, a field that must be true or
 * false is only satisfied by that boolean.
 */
import type { JsonObject } from '../../k8s/object.js';
import { isObject } from '../../k8s/object.js';

export const CONTAINER_KINDS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

export interface PodContainer {
  container: JsonObject;
  /** The container's name, or its path when the name is missing or not a string. */
  name: string;
  /** Dotted path from the pod spec, e.g. `containers[0]`. */
  path: string;
  /** The container's securityContext when it is an object. */
  securityContext: JsonObject | undefined;
}

/** Every container of the pod spec, in upstream's order: init, regular, ephemeral. Non-objects are skipped. */
export function podContainers(spec: JsonObject): PodContainer[] {
  const out: PodContainer[] = [];
  for (const kind of CONTAINER_KINDS) {
    const list = spec[kind];
    if (!Array.isArray(list)) continue;
    for (let index = 0; index < list.length; index++) {
      const container: unknown = list[index];
      if (!isObject(container)) continue;
      const path = `${kind}[${index}]`;
      const name =
        typeof container['name'] === 'string' && container['name'] !== '' ? container['name'] : path;
      out.push({ container, name, path, securityContext: objectAt(container, 'securityContext') });
    }
  }
  return out;
}

export function objectAt(value: unknown, key: string): JsonObject | undefined {
  if (!isObject(value)) return undefined;
  const child = value[key];
  return isObject(child) ? child : undefined;
}

/** The pod-level securityContext when it is an object. */
export function podSecurityContext(spec: JsonObject): JsonObject | undefined {
  return objectAt(spec, 'securityContext');
}

/** Present in the Go sense: a JSON null is the same as an absent field. */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

const YAML_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const YAML_FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);

/** The boolean a value spells (YAML 1.1 words included), or undefined. */
export function asBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    if (YAML_TRUE.has(value)) return true;
    if (YAML_FALSE.has(value)) return false;
  }
  return undefined;
}

/** A field that must be absent or false: anything else (true, or a value of the wrong type) is a violation. */
export function isNotFalse(value: unknown): boolean {
  return isSet(value) && asBool(value) !== false;
}

/** The integer a value holds (number or decimal string), or undefined. */
export function asInt(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^[-+]?[0-9]{1,15}$/.test(value)) return Number(value);
  return undefined;
}

/** True for pods that declare `spec.os.name: windows` (exempt from some restricted checks from v1.25). */
export function isWindowsPod(spec: JsonObject): boolean {
  return objectAt(spec, 'os')?.['name'] === 'windows';
}

/** True for pods in a user namespace (`spec.hostUsers: false`); relaxes some checks from v1.35. */
export function isUserNamespacePod(spec: JsonObject): boolean {
  return asBool(spec['hostUsers']) === false;
}

const MAX_SHOWN = 80;

/** A short one-line rendering of any value for a detail message. */
export function show(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (value === undefined) text = 'undefined';
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = `<${typeof value}>`; // circular (YAML aliases) or otherwise unprintable
    }
  }
  const long = text.length > MAX_SHOWN;
  let clean = '';
  for (const ch of long ? text.slice(0, MAX_SHOWN) : text) {
    const code = ch.codePointAt(0) ?? 0;
    clean += code < 0x20 || code === 0x7f ? ' ' : ch; // keep details on one line
  }
  return long ? `${clean}…` : clean;
}

/** `"a", "b"` with every item shortened and quoted. */
export function quoteList(items: readonly string[]): string {
  return items.map((item) => JSON.stringify(show(item))).join(', ');
}

export function plural(count: number, one: string, many: string): string {
  return count === 1 ? one : many;
}

/** `container "a"` or `containers "a", "b"`. */
export function containersPhrase(names: readonly string[]): string {
  return `${plural(names.length, 'container', 'containers')} ${quoteList(names)}`;
}

export function uniqueSorted(values: Iterable<string>): string[] {
  return [...new Set(values)].sort();
}

/** Bracket notation for a map key inside a field path, e.g. `metadata.annotations['a/b']`. */
export function keyPath(base: string, key: string): string {
  return `${base}['${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}

/** A string name for a list item: its `name` field, or its path. */
export function nameOf(item: unknown, fallback: string): string {
  const name = isObject(item) ? item['name'] : undefined;
  return typeof name === 'string' && name !== '' ? name : fallback;
}
