/**
 * `kubeward install --print --component registry-scan`: a large registry scanned by N pods in parallel. An
 * Indexed Job gives each pod its JOB_COMPLETION_INDEX, which becomes `--shard I/N`; `registry scan` splits
 * repositories by a hash of their name, so the pods agree on the split without talking to each other, and all
 * write to the shared PostgreSQL store (URL from a Secret). With a schedule it is a CronJob of that Job. The
 * pods need no Kubernetes API access at all: no token is mounted.
 */
import { RESTRICTED_CONTAINER, RESTRICTED_POD, restrictedNamespace } from './serve.js';

type Obj = Record<string, unknown>;

export interface RegistryScanInstallOptions {
  namespace: string;
  image: string;
  /** `HOST[:PORT][/prefix]`. */
  registry: string;
  shards: number;
  /** Pods at once; default all shards. */
  parallelism?: number;
  /** Cron schedule: a CronJob instead of a one-off Job. */
  schedule?: string;
  storeSecret: { name: string; key: string };
  /** Secret with a Docker config.json (`.dockerconfigjson`) for registry credentials. */
  pullSecret?: string;
  name?: string;
}

const DATA_DIR = '/var/lib/kubeward';

export function renderRegistryScanInstall(options: RegistryScanInstallOptions): Obj[] {
  const name = options.name ?? 'kubeward-registry-scan';
  const ns = options.namespace;
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'kubeward' };
  const dbArgs = ['--db', `${DATA_DIR}/vulndb.sqlite`];
  const env: Obj[] = [
    {
      name: 'KUBEWARD_STORE',
      valueFrom: { secretKeyRef: { name: options.storeSecret.name, key: options.storeSecret.key } },
    },
    ...(options.pullSecret ? [{ name: 'DOCKER_CONFIG', value: '/etc/kubeward/docker' }] : []),
  ];
  const mounts: Obj[] = [
    { name: 'data', mountPath: DATA_DIR },
    { name: 'tmp', mountPath: '/tmp' },
    ...(options.pullSecret ? [{ name: 'docker', mountPath: '/etc/kubeward/docker', readOnly: true }] : []),
  ];
  const container = (containerName: string, args: string[]): Obj => ({
    name: containerName,
    image: options.image,
    imagePullPolicy: 'IfNotPresent',
    args,
    env,
    resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '2', memory: '2Gi' } },
    securityContext: RESTRICTED_CONTAINER,
    volumeMounts: mounts,
  });
  const jobSpec: Obj = {
    completionMode: 'Indexed',
    completions: options.shards,
    parallelism: Math.min(options.parallelism ?? options.shards, options.shards),
    // A failed shard is retried; its run resumes from the store, so nothing is scanned twice.
    backoffLimit: options.shards * 3,
    template: {
      metadata: { labels },
      spec: {
        restartPolicy: 'Never',
        serviceAccountName: name,
        automountServiceAccountToken: false,
        securityContext: RESTRICTED_POD,
        initContainers: [container('db-update', ['db', 'update', ...dbArgs])],
        containers: [
          container('scan', [
            'registry',
            'scan',
            options.registry,
            '--shard',
            `$(JOB_COMPLETION_INDEX)/${options.shards}`,
            '--store',
            '$(KUBEWARD_STORE)',
            ...dbArgs,
            '--cache-dir',
            `${DATA_DIR}/cache`,
            '--format',
            'json',
          ]),
        ],
        volumes: [
          { name: 'data', emptyDir: {} },
          { name: 'tmp', emptyDir: {} },
          ...(options.pullSecret
            ? [
                {
                  name: 'docker',
                  secret: {
                    secretName: options.pullSecret,
                    items: [{ key: '.dockerconfigjson', path: 'config.json' }],
                  },
                },
              ]
            : []),
        ],
      },
    },
  };
  const workload: Obj = options.schedule
    ? {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name, namespace: ns, labels },
        spec: {
          schedule: options.schedule,
          // A scan still running when the next is due keeps going; the next one resumes what is left.
          concurrencyPolicy: 'Forbid',
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 3,
          jobTemplate: { metadata: { labels }, spec: jobSpec },
        },
      }
    : { apiVersion: 'batch/v1', kind: 'Job', metadata: { name, namespace: ns, labels }, spec: jobSpec };
  return [
    restrictedNamespace(ns, { 'app.kubernetes.io/part-of': 'kubeward' }),
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name, namespace: ns, labels },
      automountServiceAccountToken: false,
    },
    workload,
  ];
}
