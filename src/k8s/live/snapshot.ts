// Turning listed items into objects and snapshots. Secret values never leave this module: Secrets keep
// metadata and type only, and the last-applied annotation (which holds the whole applied object, values
// included) is dropped from them too.
import type { JsonObject } from '../object.js';
import { isObject } from '../object.js';
import type { ResourceList } from './list.js';
import { apiVersionOf } from './resources.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const SECRET_VALUE_FIELDS = ['data', 'stringData'];

/**
 * The object as a manifest would hold it: apiVersion and kind filled in (list items from the API server
 * omit them), managedFields dropped (bulk with no security meaning), secret values removed.
 */
export function sanitizeObject(
  item: JsonObject,
  apiVersion: string,
  kind: string,
  metadataOnly: boolean,
): JsonObject {
  const { apiVersion: _a, kind: _k, metadata, ...rest } = item;
  const meta: JsonObject = isObject(metadata) ? { ...metadata } : {};
  delete meta['managedFields'];
  const out: JsonObject = { apiVersion, kind, metadata: meta };
  if (metadataOnly || kind === 'Secret') {
    if (isObject(meta['annotations'])) {
      const annotations = { ...meta['annotations'] };
      delete annotations[LAST_APPLIED];
      meta['annotations'] = annotations;
    }
    // Keep only what says what the secret is for (type, immutable); never the values.
    if (typeof rest['type'] === 'string') out['type'] = rest['type'];
    if (typeof rest['immutable'] === 'boolean') out['immutable'] = rest['immutable'];
    return out;
  }
  for (const [key, value] of Object.entries(rest)) out[key] = value;
  return out;
}

/** Remove secret values from any object (also used for objects loaded from files before writing them). */
export function stripSecretValues(object: JsonObject): JsonObject {
  if (object['kind'] !== 'Secret') return object;
  const copy: JsonObject = { ...object };
  for (const field of SECRET_VALUE_FIELDS) delete copy[field];
  if (isObject(copy['metadata'])) {
    const meta = { ...copy['metadata'] };
    if (isObject(meta['annotations'])) {
      const annotations = { ...meta['annotations'] };
      delete annotations[LAST_APPLIED];
      meta['annotations'] = annotations;
    }
    copy['metadata'] = meta;
  }
  return copy;
}

export function itemsOf(lists: readonly ResourceList[]): JsonObject[] {
  return lists.flatMap((list) =>
    list.items.map((item) =>
      sanitizeObject(
        item,
        apiVersionOf(list.resource),
        list.resource.kind,
        list.resource.metadataOnly === true,
      ),
    ),
  );
}

export interface SnapshotInfo {
  server: string;
  context: string;
  /** ISO time from the injected clock. */
  takenAt: string;
  warnings: readonly string[];
}

/** A `kind: List` document (what `kubectl get -o json` prints), with where and when it was taken. */
export function snapshotDocument(items: readonly JsonObject[], info: SnapshotInfo): JsonObject {
  return {
    apiVersion: 'v1',
    kind: 'List',
    metadata: {
      annotations: {
        'kubeward.dev/snapshot-server': info.server,
        'kubeward.dev/snapshot-context': info.context,
        'kubeward.dev/snapshot-taken-at': info.takenAt,
        ...(info.warnings.length > 0 ? { 'kubeward.dev/snapshot-warnings': info.warnings.join('\n') } : {}),
      },
    },
    items: items.map(stripSecretValues),
  };
}
