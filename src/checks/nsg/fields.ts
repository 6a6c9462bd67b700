/**
 * `az network nsg show` prints properties flattened at the top level; ARM templates and the REST API nest
 * them under `properties`; hand-written files vary in case. Field lookup tolerates all three.
 */
import { isObject } from '../../k8s/object.js';
import type { JsonObject } from '../../k8s/object.js';

export function field(object: JsonObject, name: string): unknown {
  if (Object.hasOwn(object, name)) return object[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(object)) if (key.toLowerCase() === lower) return object[key];
  return undefined;
}

/** The object with its `properties` map merged over the top-level fields. */
export function flatten(object: JsonObject): JsonObject {
  const properties = field(object, 'properties');
  return isObject(properties) ? { ...object, ...properties } : object;
}
