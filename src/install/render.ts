/**
 * Everything to run the webhook in a cluster, as plain objects: Namespace (enforcing restricted itself),
 * ServiceAccount, RBAC limited to reading namespaces, a Deployment of >= 2 spread replicas that meets the
 * restricted Pod Security profile, a PodDisruptionBudget, the Service, and the webhook configurations that
 * exclude kube-system and kubeward's own namespace (so a broken webhook can never block its own repair).
 */
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import type { WebhookConfig, WebhookConfigInput } from '../admission/config.js';
import { CHECKS } from '../checks/index.js';
import { matchesAnyGlob } from '../core/glob.js';
import type { ServingCerts } from './certs.js';

export interface InstallOptions {
  namespace: string;
  image: string;
  replicas: number;
  /** Validated config (drives rules, timeouts, failure policy). */
  config: WebhookConfig;
  /** The config as the user wrote it; embedded in the ConfigMap with in-cluster server settings. */
  configInput: WebhookConfigInput;
  certs?: ServingCerts;
  name?: string;
}

type Obj = Record<string, unknown>;

const CONFIG_DIR = '/etc/kubeward/config';
const TLS_DIR = '/etc/kubeward/tls';
const PORT = 8443;

/** Kinds that object-scope checks judge -> the API resource the webhook must receive. */
const RESOURCES_BY_KIND: Record<string, { group: string; resource: string }> = {
  Service: { group: '', resource: 'services' },
  ConfigMap: { group: '', resource: 'configmaps' },
  Secret: { group: '', resource: 'secrets' },
  Ingress: { group: 'networking.k8s.io', resource: 'ingresses' },
};

const POD_RESOURCES: Record<string, string[]> = {
  '': ['pods', 'pods/ephemeralcontainers', 'replicationcontrollers', 'podtemplates'],
  apps: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'],
  batch: ['jobs', 'cronjobs'],
};

export function inClusterConfig(input: WebhookConfigInput, config: WebhookConfig): WebhookConfigInput {
  const namespacesInput = input.namespaces ?? {};
  return {
    ...input,
    server: {
      ...(input.server ?? {}),
      listen: `0.0.0.0:${PORT}`,
      tls: {
        certFile: `${TLS_DIR}/tls.crt`,
        keyFile: `${TLS_DIR}/tls.key`,
        reloadIntervalSeconds: config.server.tls?.reloadIntervalSeconds ?? 10,
      },
    },
    namespaces: {
      ...namespacesInput,
      // In a cluster the labels come from the API unless the user decided otherwise.
      api: { ...(namespacesInput.api ?? {}), enabled: namespacesInput.api?.enabled ?? true },
    },
  };
}

export function renderInstall(options: InstallOptions): Obj[] {
  const name = options.name ?? 'kubeward-webhook';
  const ns = options.namespace;
  const labels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/part-of': 'kubeward' };
  const clusterConfig = inClusterConfig(options.configInput, options.config);
  const apiEnabled = clusterConfig.namespaces?.api?.enabled === true;
  const configText = stringify(clusterConfig);
  const checksum = createHash('sha256').update(configText).digest('hex').slice(0, 16);
  const meta = (n: string, extra: Obj = {}) => ({ name: n, namespace: ns, labels, ...extra });
  const objects: Obj[] = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: ns,
        labels: {
          ...labels,
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/enforce-version': 'latest',
        },
      },
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(name), automountServiceAccountToken: false },
  ];
  if (apiEnabled)
    objects.push(
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name, labels },
        // GET only: labels are looked up per namespace on demand and cached briefly; no list or watch needed.
        rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['get'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
        subjects: [{ kind: 'ServiceAccount', name, namespace: ns }],
      },
    );
  objects.push({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(`${name}-config`),
    data: { 'webhook.yaml': configText },
  });
  if (options.certs)
    objects.push({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: meta(`${name}-tls`),
      type: 'kubernetes.io/tls',
      data: {
        'tls.crt': b64(options.certs.certPem),
        'tls.key': b64(options.certs.keyPem),
        'ca.crt': b64(options.certs.caPem),
      },
    });
  objects.push(deployment(name, ns, labels, options, checksum, apiEnabled));
  objects.push(
    {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta(name),
      spec: { minAvailable: 1, selector: { matchLabels: labels } },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(name),
      spec: {
        type: 'ClusterIP',
        selector: labels,
        ports: [{ name: 'https', port: 443, targetPort: 'https', protocol: 'TCP' }],
      },
    },
  );
  objects.push(validatingConfiguration(name, ns, labels, options));
  if (options.config.images.resolveDigests) objects.push(mutatingConfiguration(name, ns, labels, options));
  return objects;
}

function deployment(
  name: string,
  ns: string,
  labels: Record<string, string>,
  options: InstallOptions,
  checksum: string,
  apiEnabled: boolean,
): Obj {
  const probe = (path: string) => ({
    httpGet: { path, port: 'https', scheme: 'HTTPS' },
    periodSeconds: 10,
    timeoutSeconds: 2,
    failureThreshold: 3,
  });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, labels },
    spec: {
      replicas: Math.max(2, options.replicas),
      selector: { matchLabels: labels },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels, annotations: { 'kubeward.io/config-checksum': checksum } },
        spec: {
          serviceAccountName: name,
          // The token is only needed to read namespace labels from the API.
          automountServiceAccountToken: apiEnabled,
          terminationGracePeriodSeconds: options.config.server.shutdownGraceSeconds + 10,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 65532,
            runAsGroup: 65532,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          affinity: {
            podAntiAffinity: {
              // Preferred, not required: two replicas must still schedule on a one-node test cluster.
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 100,
                  podAffinityTerm: {
                    labelSelector: { matchLabels: labels },
                    topologyKey: 'kubernetes.io/hostname',
                  },
                },
              ],
            },
          },
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'topology.kubernetes.io/zone',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: labels },
            },
          ],
          containers: [
            {
              name: 'webhook',
              image: options.image,
              imagePullPolicy: 'IfNotPresent',
              args: ['webhook', 'serve', '--config', `${CONFIG_DIR}/webhook.yaml`],
              ports: [{ name: 'https', containerPort: PORT, protocol: 'TCP' }],
              readinessProbe: probe('/readyz'),
              livenessProbe: probe('/healthz'),
              resources: {
                requests: { cpu: '100m', memory: '128Mi' },
                limits: { cpu: '1', memory: '256Mi' },
              },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                runAsNonRoot: true,
                capabilities: { drop: ['ALL'] },
              },
              volumeMounts: [
                { name: 'config', mountPath: CONFIG_DIR, readOnly: true },
                { name: 'tls', mountPath: TLS_DIR, readOnly: true },
              ],
            },
          ],
          volumes: [
            { name: 'config', configMap: { name: `${name}-config` } },
            { name: 'tls', secret: { secretName: `${name}-tls` } },
          ],
        },
      },
    },
  };
}

function webhookBase(name: string, ns: string, path: string, options: InstallOptions): Obj {
  return {
    admissionReviewVersions: ['v1'],
    sideEffects: 'None',
    timeoutSeconds: options.config.webhook.timeoutSeconds,
    failurePolicy: options.config.webhook.failurePolicy,
    matchPolicy: 'Equivalent',
    clientConfig: {
      service: { name, namespace: ns, path, port: 443 },
      ...(options.certs ? { caBundle: b64(options.certs.caPem) } : {}),
    },
    namespaceSelector: {
      matchExpressions: [
        { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', ns] },
      ],
    },
  };
}

function podRules(): Obj[] {
  return Object.entries(POD_RESOURCES).map(([group, resources]) => ({
    apiGroups: [group],
    apiVersions: ['*'],
    operations: ['CREATE', 'UPDATE'],
    resources,
    scope: 'Namespaced',
  }));
}

/** Pod and workload resources, plus the kinds that assigned object checks judge (Services, ConfigMaps, ...). */
function validatingRules(config: WebhookConfig): Obj[] {
  const rules = podRules();
  const extra = new Map<string, Set<string>>();
  const wanted = config.checks.assignments.filter((a) => a.effect !== 'disabled').flatMap((a) => a.checks);
  for (const check of CHECKS.items) {
    if (check.scope !== 'object') continue;
    if (!matchesAnyGlob(check.id, wanted)) continue;
    for (const kind of check.kinds) {
      const r = RESOURCES_BY_KIND[kind];
      if (!r) continue;
      const set = extra.get(r.group) ?? new Set<string>();
      set.add(r.resource);
      extra.set(r.group, set);
    }
  }
  for (const [group, resources] of [...extra].sort(([a], [b]) => a.localeCompare(b)))
    rules.push({
      apiGroups: [group],
      apiVersions: ['*'],
      operations: ['CREATE', 'UPDATE'],
      resources: [...resources].sort(),
      scope: 'Namespaced',
    });
  return rules;
}

function validatingConfiguration(
  name: string,
  ns: string,
  labels: Record<string, string>,
  options: InstallOptions,
): Obj {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name, labels },
    webhooks: [
      {
        name: 'validate.kubeward.io',
        ...webhookBase(name, ns, '/validate', options),
        rules: validatingRules(options.config),
      },
    ],
  };
}

function mutatingConfiguration(
  name: string,
  ns: string,
  labels: Record<string, string>,
  options: InstallOptions,
): Obj {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name, labels },
    webhooks: [
      {
        name: 'mutate.kubeward.io',
        ...webhookBase(name, ns, '/mutate', options),
        // Run again if a later mutating webhook changes images, so those get pinned too.
        reinvocationPolicy: 'IfNeeded',
        rules: podRules(),
      },
    ],
  };
}

function b64(text: string): string {
  return Buffer.from(text).toString('base64');
}

/** Multi-document YAML, in apply order. */
export function toYamlDocuments(objects: readonly Obj[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join('---\n');
}
