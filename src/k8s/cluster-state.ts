// Cluster state as input for every cluster-level analysis (RBAC, network, tenancy): a live cluster through
// the kubeconfig, or files (a `kubeward snapshot`, `kubectl get -A -o yaml` output, plain manifests).
import { readFile, stat } from 'node:fs/promises';
import type { InputLimits } from '../core/limits.js';
import { DEFAULT_LIMITS } from '../core/limits.js';
import type { InputProblem } from '../core/report.js';
import { UsageError } from '../core/errors.js';
import type { JsonObject, K8sObject } from './object.js';
import { isObject, stringMap } from './object.js';
import { loadManifests } from './load-manifests.js';
import type { ReadClusterOptions } from './live/read-cluster.js';
import { readCluster } from './live/read-cluster.js';
import { readJsonList } from './live/snapshot-reader.js';

export interface ClusterStateOptions {
  /** A snapshot file (any manifest file or List works). */
  snapshot?: string;
  /** Manifest files, directories or `-`. */
  paths?: readonly string[];
  /** Live: kubeconfig file (default: $KUBECONFIG, then ~/.kube/config). */
  kubeconfig?: string;
  /** Live: kubeconfig context (default: the current one). */
  context?: string;
  env?: NodeJS.ProcessEnv;
  readStdin?: () => Promise<string>;
  limits?: Partial<InputLimits>;
  /** Live listing details (resources, page size, concurrency, timeouts). */
  live?: Omit<ReadClusterOptions, 'kubeconfig' | 'context' | 'env'>;
}

export type ClusterSource =
  { kind: 'files'; files: string[] } | { kind: 'live'; server: string; context: string };

export interface ClusterState {
  objects: K8sObject[];
  /** What could not be read (a file, a resource the credentials may not list); the rest was still loaded. */
  warnings: InputProblem[];
  source: ClusterSource;
}

/** Files when --snapshot or paths are given, else the live cluster of the kubeconfig. */
export async function loadClusterState(options: ClusterStateOptions = {}): Promise<ClusterState> {
  const hasFiles = Boolean(options.snapshot) || (options.paths ?? []).length > 0;
  if (hasFiles) {
    if (options.kubeconfig || options.context)
      throw new UsageError('give either --snapshot/files or --kubeconfig/--context, not both');
    const fast = options.snapshot ? await readSnapshotFast(options.snapshot, options.limits) : undefined;
    const paths = [...(options.snapshot && !fast ? [options.snapshot] : []), ...(options.paths ?? [])];
    const loaded =
      paths.length > 0
        ? await loadManifests(paths, {
            ...(options.limits ? { limits: options.limits } : {}),
            ...(options.readStdin ? { readStdin: options.readStdin } : {}),
          })
        : { objects: [], problems: [], files: [] };
    return {
      objects: [...(fast?.objects ?? []), ...loaded.objects],
      warnings: [...(fast?.problems ?? []), ...loaded.problems],
      source: {
        kind: 'files',
        files: [...(fast && options.snapshot ? [options.snapshot] : []), ...loaded.files],
      },
    };
  }
  const live = await readCluster({
    ...options.live,
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.context ? { context: options.context } : {}),
    env: options.env ?? {},
  });
  const file = `${live.server} (context ${live.context})`;
  return {
    objects: live.items.flatMap((item) => liveObject(item, file) ?? []),
    warnings: live.warnings.map((message) => ({ file, message })),
    source: { kind: 'live', server: live.server, context: live.context },
  };
}

/** A JSON List snapshot through the fast reader; undefined sends it to the general loader. */
async function readSnapshotFast(
  file: string,
  limits: Partial<InputLimits> | undefined,
): Promise<ReturnType<typeof readJsonList>> {
  const all = { ...DEFAULT_LIMITS, ...limits };
  try {
    const info = await stat(file);
    if (!info.isFile() || info.size > all.maxFileBytes) return undefined;
    return readJsonList(await readFile(file, 'utf8'), file, all);
  } catch {
    return undefined; // the loader reports what is wrong with the file
  }
}

/** A listed item as a K8sObject. Live objects have no file position; they all point at the server. */
export function liveObject(raw: JsonObject, file: string): K8sObject | undefined {
  const kind = raw['kind'];
  const apiVersion = raw['apiVersion'];
  if (typeof kind !== 'string' || typeof apiVersion !== 'string') return undefined;
  const meta = isObject(raw['metadata']) ? raw['metadata'] : {};
  return {
    apiVersion,
    kind,
    metadata: {
      name: typeof meta['name'] === 'string' ? meta['name'] : '',
      ...(typeof meta['namespace'] === 'string' && meta['namespace'] ? { namespace: meta['namespace'] } : {}),
      labels: stringMap(meta['labels']),
      annotations: stringMap(meta['annotations']),
    },
    raw,
    source: { file, line: 1, column: 1 },
  };
}
