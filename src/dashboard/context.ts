// What a dashboard page gets for one request: the store, the time, the parsed filters and shared lookups.
import type { Clock } from '../core/clock.js';
import type { Store, WorkloadRecord } from '../store/model.js';
import type { Filters } from './query.js';

export interface PageContext {
  store: Store;
  clock: Clock;
  filters: Filters;
  /** Running workloads (of the filtered cluster, when the page honours that filter), read once per request. */
  workloads: WorkloadRecord[];
  /** Every cluster with workloads or posture in the store, sorted: the choices of the cluster filter. */
  clusters: string[];
}

/** digest -> namespaces of the workloads that run it. */
export function namespacesByDigest(workloads: readonly WorkloadRecord[]): Map<string, string[]> {
  const map = new Map<string, Set<string>>();
  for (const w of workloads)
    for (const image of w.images) {
      if (!image.digest) continue;
      const set = map.get(image.digest) ?? new Set<string>();
      set.add(w.namespace);
      map.set(image.digest, set);
    }
  return new Map([...map].map(([digest, set]) => [digest, [...set].sort()]));
}
