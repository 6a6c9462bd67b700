/**
 * `kubeward install --print --component serve`: the continuous scanner. With the embedded SQLite store it is
 * one replica on a PersistentVolumeClaim with the Recreate strategy (two pods must never write one SQLite
 * file); with a PostgreSQL store (URL from a Secret) it is two or more replicas electing a leader on a Lease,
 * so every replica serves the dashboard and only the leader scans. RBAC is read-only (get, list, watch) on
 * exactly what serve watches, plus leases in its own namespace. The pod meets the restricted Pod Security
 * profile.
 */
import { UsageError } from '../core/errors.js';
import { WATCHED_RESOURCES } from '../serve/watched-resources.js';
import { clusterNameProblem } from '../store/records.js';

type Obj = Record<string, unknown>;

export interface ServeInstallOptions {
  namespace: string;
  image: string;
  /** `sqlite` (PVC) or a Secret holding the postgres:// URL. */
  store:
    { kind: 'sqlite'; storageSize: string } | { kind: 'postgres'; secretName: string; secretKey: string };
  /** PostgreSQL only (at least 2); SQLite is always 1. */
  replicas: number;
  /** `--interval` of serve. */
  interval: string;
  /** Namespaces to watch; all when empty. */
  watchNamespaces: readonly string[];
  /**
   * `--cluster-name` of serve: this cluster's name in a store a fleet shares. Unset, serve runs in-cluster
   * and calls it `default`, so every cluster sharing one PostgreSQL store needs its own.
   */
  clusterName?: string;
  name?: string;
}

const DATA_DIR = '/var/lib/kubeward';
const PORT = 8080;

/** get/list/watch per API group on the watched resources, groups and resources sorted. */
export function watchRules(): Obj[] {
  const byGroup = new Map<string, Set<string>>();
  for (const r of WATCHED_RESOURCES) {
    const set = byGroup.get(r.group) ?? new Set<string>();
    set.add(r.resource);
    byGroup.set(r.group, set);
  }
  return [...byGroup]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([group, resources]) => ({
      apiGroups: [group],
      resources: [...resources].sort(),
      verbs: ['get', 'list', 'watch'],
    }));
}

/** The restricted-profile security context every kubeward container gets. */
export const RESTRICTED_CONTAINER = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  capabilities: { drop: ['ALL'] },
};

export const RESTRICTED_POD = {
  runAsNonRoot: true,
  runAsUser: 65532,
  runAsGroup: 65532,
  fsGroup: 65532,
  seccompProfile: { type: 'RuntimeDefault' },
};

export function restrictedNamespace(name: string, labels: Record<string, string>): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      labels: {
        ...labels,
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
      },
    },
  };
}

/** Kubernetes expands `$(VAR)` in container args; `$$` is its escape, so a name is passed as written. */
function kubeArg(text: string): string {
  return text.replaceAll('$', '$$$$');
}

export function renderServeInstall(options: ServeInstallOptions): Obj[] {
  if (options.clusterName !== undefined) {
    const problem = clusterNameProblem(options.clusterName);
    if (problem) throw new UsageError(`--cluster-name: ${problem}`);
  }
  const name = options.name ?? 'kubeward-serve';
  const ns = options.namespace;
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'kubeward' };
  const meta = (n: string) => ({ name: n, namespace: ns, labels });
  const postgres = options.store.kind === 'postgres';
  const objects: Obj[] = [
    restrictedNamespace(ns, { 'app.kubernetes.io/part-of': 'kubeward' }),
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(name) },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: { name, labels },
      // Read-only, and no Secrets: no posture check needs their values.
      rules: watchRules(),
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name, labels },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: ns }],
    },
  ];
  if (postgres)
    objects.push(
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: meta(`${name}-leader`),
        // Leases of this namespace only; `create` cannot be limited by resourceNames, the rest is.
        rules: [
          { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
          {
            apiGroups: ['coordination.k8s.io'],
            resources: ['leases'],
            resourceNames: [name],
            verbs: ['get', 'update'],
          },
        ],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: meta(`${name}-leader`),
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${name}-leader` },
        subjects: [{ kind: 'ServiceAccount', name, namespace: ns }],
      },
    );
  else
    objects.push({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: meta(`${name}-data`),
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: {
          requests: { storage: options.store.kind === 'sqlite' ? options.store.storageSize : '10Gi' },
        },
      },
    });
  objects.push(deployment(name, ns, labels, options), {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(name),
    spec: {
      type: 'ClusterIP',
      selector: labels,
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  });
  return objects;
}

function deployment(
  name: string,
  ns: string,
  labels: Record<string, string>,
  options: ServeInstallOptions,
): Obj {
  const postgres = options.store.kind === 'postgres';
  const probe = (path: string) => ({
    httpGet: { path, port: 'http' },
    periodSeconds: 10,
    timeoutSeconds: 2,
    failureThreshold: 3,
  });
  const env: Obj[] = [
    { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
    { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
  ];
  if (options.store.kind === 'postgres')
    env.push({
      name: 'KUBEWARD_STORE',
      valueFrom: { secretKeyRef: { name: options.store.secretName, key: options.store.secretKey } },
    });
  const dbArgs = ['--db', `${DATA_DIR}/vulndb.sqlite`];
  const args = [
    'serve',
    '--listen',
    `0.0.0.0:${PORT}`,
    '--store',
    // Kubernetes expands $(VAR) in args: the URL never appears in the manifest.
    postgres ? '$(KUBEWARD_STORE)' : `${DATA_DIR}/store.db`,
    ...dbArgs,
    '--cache-dir',
    `${DATA_DIR}/cache`,
    '--interval',
    options.interval,
    // New advisories reach running images without a restart: the leader updates, every digest is re-scanned.
    '--db-update-interval',
    '6h',
    ...options.watchNamespaces.flatMap((n) => ['--namespace', n]),
    ...(postgres ? ['--leader-elect', '--lease-name', name] : []),
    ...(options.clusterName !== undefined ? ['--cluster-name', kubeArg(options.clusterName)] : []),
  ];
  const mounts = [
    { name: 'data', mountPath: DATA_DIR },
    { name: 'tmp', mountPath: '/tmp' },
  ];
  const container = (containerName: string, containerArgs: string[], extra: Obj = {}): Obj => ({
    name: containerName,
    image: options.image,
    imagePullPolicy: 'IfNotPresent',
    args: containerArgs,
    env,
    resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '2', memory: '1Gi' } },
    securityContext: RESTRICTED_CONTAINER,
    volumeMounts: mounts,
    ...extra,
  });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, labels },
    spec: {
      replicas: postgres ? Math.max(2, options.replicas) : 1,
      selector: { matchLabels: labels },
      // SQLite: the old pod must be gone before the new one opens the file (and the RWO volume).
      strategy: postgres
        ? { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } }
        : { type: 'Recreate' },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: name,
          securityContext: RESTRICTED_POD,
          // Enough for a scan in flight to finish and be stored; an unfinished one is simply redone.
          terminationGracePeriodSeconds: 60,
          initContainers: [container('db-update', ['db', 'update', ...dbArgs])],
          containers: [
            container('serve', args, {
              ports: [{ name: 'http', containerPort: PORT, protocol: 'TCP' }],
              readinessProbe: probe('/readyz'),
              livenessProbe: probe('/healthz'),
            }),
          ],
          volumes: [
            postgres
              ? { name: 'data', emptyDir: {} }
              : { name: 'data', persistentVolumeClaim: { claimName: `${name}-data` } },
            { name: 'tmp', emptyDir: {} },
          ],
        },
      },
    },
  };
}
