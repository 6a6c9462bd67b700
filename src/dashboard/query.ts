// The dashboard's filters from the query string, bounded: a known set of keys with validated values.
import type { Severity } from '../core/severity.js';
import { isSeverity } from '../core/severity.js';
import { clusterNameProblem } from '../store/records.js';

export interface Filters {
  /** Only this cluster of a fleet sharing the store (`serve --cluster-name`). */
  cluster?: string;
  /** Only this namespace. */
  namespace?: string;
  /** Only this severity and above. */
  severity?: Severity;
  /** Only vulnerabilities with a fixed version. */
  fixable: boolean;
}

export const MAX_QUERY_LENGTH = 1024;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const TRUE = new Set(['1', 'true', 'on', 'yes']);
const FALSE = new Set(['', '0', 'false', 'off', 'no']);

export class FilterError extends Error {}

/** Unknown keys are ignored (they change nothing); a known key with a bad value is refused, naming it. */
export function parseFilters(search: string): Filters {
  if (search.length > MAX_QUERY_LENGTH)
    throw new FilterError(`query string longer than ${MAX_QUERY_LENGTH} characters`);
  const params = new URLSearchParams(search);
  const filters: Filters = { fixable: false };
  const one = (key: string): string | undefined => {
    const values = params.getAll(key);
    if (values.length > 1) throw new FilterError(`${key}: given more than once`);
    return values[0];
  };
  const cluster = one('cluster');
  if (cluster !== undefined && cluster !== '') {
    // The same bound as the store's: a name the store would refuse cannot match anything stored.
    const problem = clusterNameProblem(cluster);
    if (problem) throw new FilterError(`cluster: ${problem}`);
    filters.cluster = cluster;
  }
  const namespace = one('namespace');
  if (namespace !== undefined && namespace !== '') {
    if (!NAMESPACE.test(namespace)) throw new FilterError('namespace: not a Kubernetes namespace name');
    filters.namespace = namespace;
  }
  const severity = one('severity');
  if (severity !== undefined && severity !== '') {
    if (!isSeverity(severity))
      throw new FilterError('severity: expected critical, high, medium, low or info');
    filters.severity = severity;
  }
  const fixable = one('fixable');
  if (fixable !== undefined) {
    if (TRUE.has(fixable)) filters.fixable = true;
    else if (!FALSE.has(fixable)) throw new FilterError('fixable: expected 1 or 0');
  }
  return filters;
}

export function filtersJson(filters: Filters): Record<string, unknown> {
  return {
    cluster: filters.cluster ?? null,
    namespace: filters.namespace ?? null,
    severity: filters.severity ?? null,
    fixable: filters.fixable,
  };
}
