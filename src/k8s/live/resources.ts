/** A resource listed from a live cluster, across all namespaces. */
export interface LiveResource {
  group: string;
  version: string;
  resource: string;
  kind: string;
  /** Secrets: keep metadata and type only, never values (see sanitizeObject). */
  metadataOnly?: boolean;
}

const r = (
  group: string,
  version: string,
  resource: string,
  kind: string,
  metadataOnly = false,
): LiveResource => ({
  group,
  version,
  resource,
  kind,
  ...(metadataOnly ? { metadataOnly } : {}),
});

/** What the analyses read: workloads and their pods, exposure, isolation, RBAC, admission, nodes. */
export const LIVE_RESOURCES: readonly LiveResource[] = [
  r('', 'v1', 'namespaces', 'Namespace'),
  r('', 'v1', 'nodes', 'Node'),
  r('', 'v1', 'pods', 'Pod'),
  r('', 'v1', 'replicationcontrollers', 'ReplicationController'),
  r('', 'v1', 'services', 'Service'),
  r('', 'v1', 'serviceaccounts', 'ServiceAccount'),
  r('', 'v1', 'secrets', 'Secret', true),
  r('', 'v1', 'resourcequotas', 'ResourceQuota'),
  r('', 'v1', 'limitranges', 'LimitRange'),
  r('apps', 'v1', 'deployments', 'Deployment'),
  r('apps', 'v1', 'statefulsets', 'StatefulSet'),
  r('apps', 'v1', 'daemonsets', 'DaemonSet'),
  r('apps', 'v1', 'replicasets', 'ReplicaSet'),
  r('batch', 'v1', 'jobs', 'Job'),
  r('batch', 'v1', 'cronjobs', 'CronJob'),
  r('networking.k8s.io', 'v1', 'ingresses', 'Ingress'),
  r('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy'),
  r('rbac.authorization.k8s.io', 'v1', 'roles', 'Role'),
  r('rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole'),
  r('rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding'),
  r('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding'),
  r(
    'admissionregistration.k8s.io',
    'v1',
    'validatingwebhookconfigurations',
    'ValidatingWebhookConfiguration',
  ),
  r('admissionregistration.k8s.io', 'v1', 'mutatingwebhookconfigurations', 'MutatingWebhookConfiguration'),
];

export function apiVersionOf(resource: LiveResource): string {
  return resource.group ? `${resource.group}/${resource.version}` : resource.version;
}

/** The collection path across all namespaces: `/api/v1/pods`, `/apis/apps/v1/deployments`. */
export function listPath(resource: LiveResource): string {
  return resource.group
    ? `/apis/${resource.group}/${resource.version}/${resource.resource}`
    : `/api/${resource.version}/${resource.resource}`;
}
