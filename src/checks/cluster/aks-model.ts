// AKS input as `az aks show -o json` prints it (properties flattened to the top level, camelCase) or as an
// ARM resource (properties under `properties`, in templates, exports and REST answers). Node pools come from
// `agentPoolProfiles` or from `az aks nodepool list -o json` (flattened or ARM agentPools resources).
import type { JsonObject } from '../../k8s/object.js';
import { asArray, isObject } from '../../k8s/object.js';
import { objectProp, prop, stringProp } from './config-rule.js';

export interface AksCluster {
  name: string;
  /** The managed cluster properties, wherever they were found. */
  properties: JsonObject;
}

export interface AksNodePool {
  name: string;
  properties: JsonObject;
  /** ARM path of the pool's properties, e.g. `properties.agentPoolProfiles[1]` or `properties`. */
  path: string;
}

export interface AksSettings {
  /** Kubernetes minor versions AKS supports, e.g. `1.33`. */
  supportedMinors: readonly string[];
}

/**
 * Supported AKS minors (community support) as of late 2026. Kept short on purpose: pass `supportedMinors`
 * (`--supported-versions`) from `az aks get-versions` for the region instead of trusting this table.
 */
export const DEFAULT_SUPPORTED_MINORS: readonly string[] = ['1.33', '1.34', '1.35', '1.36'];

export interface AksInput {
  cluster?: AksCluster;
  pools: AksNodePool[];
  settings: AksSettings;
}

const CLUSTER_TYPE = 'microsoft.containerservice/managedclusters';
const POOL_TYPE = 'microsoft.containerservice/managedclusters/agentpools';

/** The managed clusters in a document: one resource, an array of them, or an ARM template's `resources`. */
export function readAksClusters(document: unknown): AksCluster[] {
  if (Array.isArray(document)) return document.flatMap(readAksClusters);
  if (!isObject(document)) return [];
  const resources = prop(document, 'resources');
  if (Array.isArray(resources))
    return resources.filter((r) => typeOf(r) === CLUSTER_TYPE).flatMap(readAksClusters);
  const type = typeOf(document);
  if (type !== undefined && type !== CLUSTER_TYPE) return [];
  const nested = objectProp(document, 'properties');
  const properties = nested ?? document;
  if (type === undefined && prop(properties, 'agentPoolProfiles') === undefined && !prop(properties, 'fqdn'))
    return [];
  return [{ name: stringProp(document, 'name') ?? '(unnamed)', properties }];
}

/** Node pools of a cluster (agentPoolProfiles) with their ARM paths. */
export function poolsOfCluster(cluster: AksCluster): AksNodePool[] {
  return asArray(prop(cluster.properties, 'agentPoolProfiles')).flatMap((raw, index) =>
    isObject(raw)
      ? [
          {
            name: stringProp(raw, 'name') ?? `#${index}`,
            properties: raw,
            path: `properties.agentPoolProfiles[${index}]`,
          },
        ]
      : [],
  );
}

/** `az aks nodepool list -o json` (flattened) or agentPools ARM resources (a list, a template). */
export function readNodePools(document: unknown): AksNodePool[] {
  const items = Array.isArray(document)
    ? document
    : isObject(document) && Array.isArray(prop(document, 'resources'))
      ? asArray(prop(document, 'resources')).filter((r) => typeOf(r) === POOL_TYPE)
      : isObject(document) && Array.isArray(prop(document, 'value'))
        ? asArray(prop(document, 'value'))
        : [document];
  return items.flatMap((raw, index) => {
    if (!isObject(raw)) return [];
    const type = typeOf(raw);
    if (type !== undefined && type !== POOL_TYPE) return [];
    const nested = objectProp(raw, 'properties');
    const name = (stringProp(raw, 'name') ?? `#${index}`).split('/').at(-1) ?? `#${index}`;
    return [{ name, properties: nested ?? raw, path: 'properties' }];
  });
}

function typeOf(value: unknown): string | undefined {
  return stringProp(value, 'type')?.toLowerCase();
}
