import type { JsonObject } from '../../k8s/object.js';

/** The service account a pod runs as; `serviceAccount` is the deprecated alias the API still honours. */
export function serviceAccountNameOf(spec: JsonObject): string {
  for (const key of ['serviceAccountName', 'serviceAccount']) {
    const value = spec[key];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return 'default';
}
