// kubectl-style resource arguments (`po`, `deployments.apps`, `pods/exec`, `secrets/db-password`) resolved
// against the built-in API resources, as kubectl's RESTMapper would without asking a server.
import { UsageError } from '../../core/errors.js';

export interface ResourceType {
  resource: string;
  group: string;
  kind: string;
  namespaced: boolean;
  shortNames: readonly string[];
  subresources: readonly string[];
}

const t = (
  resource: string,
  group: string,
  kind: string,
  namespaced: boolean,
  shortNames: string[] = [],
  subresources: string[] = [],
): ResourceType => ({ resource, group, kind, namespaced, shortNames, subresources });

const WORKLOAD_SUBS = ['status', 'scale'];

/** Built-in resources of Kubernetes 1.33 that RBAC questions are asked about. */
export const RESOURCE_TYPES: readonly ResourceType[] = [
  t(
    'pods',
    '',
    'Pod',
    true,
    ['po'],
    [
      'exec',
      'attach',
      'log',
      'portforward',
      'proxy',
      'status',
      'eviction',
      'binding',
      'ephemeralcontainers',
      'resize',
    ],
  ),
  t('services', '', 'Service', true, ['svc'], ['proxy', 'status']),
  t('secrets', '', 'Secret', true),
  t('configmaps', '', 'ConfigMap', true, ['cm']),
  t('serviceaccounts', '', 'ServiceAccount', true, ['sa'], ['token']),
  t('namespaces', '', 'Namespace', false, ['ns'], ['status', 'finalize']),
  t('nodes', '', 'Node', false, ['no'], ['proxy', 'status']),
  t('persistentvolumeclaims', '', 'PersistentVolumeClaim', true, ['pvc'], ['status']),
  t('persistentvolumes', '', 'PersistentVolume', false, ['pv'], ['status']),
  t('endpoints', '', 'Endpoints', true, ['ep']),
  t('events', '', 'Event', true, ['ev']),
  t('replicationcontrollers', '', 'ReplicationController', true, ['rc'], WORKLOAD_SUBS),
  t('resourcequotas', '', 'ResourceQuota', true, ['quota'], ['status']),
  t('limitranges', '', 'LimitRange', true, ['limits']),
  t('podtemplates', '', 'PodTemplate', true),
  t('componentstatuses', '', 'ComponentStatus', false, ['cs']),
  t('users', '', 'User', false),
  t('groups', '', 'Group', false),
  t('deployments', 'apps', 'Deployment', true, ['deploy'], WORKLOAD_SUBS),
  t('statefulsets', 'apps', 'StatefulSet', true, ['sts'], WORKLOAD_SUBS),
  t('daemonsets', 'apps', 'DaemonSet', true, ['ds'], ['status']),
  t('replicasets', 'apps', 'ReplicaSet', true, ['rs'], WORKLOAD_SUBS),
  t('controllerrevisions', 'apps', 'ControllerRevision', true),
  t('jobs', 'batch', 'Job', true, [], ['status']),
  t('cronjobs', 'batch', 'CronJob', true, ['cj'], ['status']),
  t('horizontalpodautoscalers', 'autoscaling', 'HorizontalPodAutoscaler', true, ['hpa'], ['status']),
  t('ingresses', 'networking.k8s.io', 'Ingress', true, ['ing'], ['status']),
  t('ingressclasses', 'networking.k8s.io', 'IngressClass', false),
  t('networkpolicies', 'networking.k8s.io', 'NetworkPolicy', true, ['netpol']),
  t('endpointslices', 'discovery.k8s.io', 'EndpointSlice', true),
  t('roles', 'rbac.authorization.k8s.io', 'Role', true),
  t('rolebindings', 'rbac.authorization.k8s.io', 'RoleBinding', true),
  t('clusterroles', 'rbac.authorization.k8s.io', 'ClusterRole', false),
  t('clusterrolebindings', 'rbac.authorization.k8s.io', 'ClusterRoleBinding', false),
  t('poddisruptionbudgets', 'policy', 'PodDisruptionBudget', true, ['pdb'], ['status']),
  t('storageclasses', 'storage.k8s.io', 'StorageClass', false, ['sc']),
  t('csidrivers', 'storage.k8s.io', 'CSIDriver', false),
  t('volumeattachments', 'storage.k8s.io', 'VolumeAttachment', false),
  t(
    'customresourcedefinitions',
    'apiextensions.k8s.io',
    'CustomResourceDefinition',
    false,
    ['crd', 'crds'],
    ['status'],
  ),
  t(
    'validatingwebhookconfigurations',
    'admissionregistration.k8s.io',
    'ValidatingWebhookConfiguration',
    false,
  ),
  t('mutatingwebhookconfigurations', 'admissionregistration.k8s.io', 'MutatingWebhookConfiguration', false),
  t('validatingadmissionpolicies', 'admissionregistration.k8s.io', 'ValidatingAdmissionPolicy', false),
  t(
    'validatingadmissionpolicybindings',
    'admissionregistration.k8s.io',
    'ValidatingAdmissionPolicyBinding',
    false,
  ),
  t(
    'certificatesigningrequests',
    'certificates.k8s.io',
    'CertificateSigningRequest',
    false,
    ['csr'],
    ['approval', 'status'],
  ),
  t('signers', 'certificates.k8s.io', 'Signer', false),
  t('leases', 'coordination.k8s.io', 'Lease', true),
  t('priorityclasses', 'scheduling.k8s.io', 'PriorityClass', false, ['pc']),
  t('runtimeclasses', 'node.k8s.io', 'RuntimeClass', false),
  t('tokenreviews', 'authentication.k8s.io', 'TokenReview', false),
  t('userextras', 'authentication.k8s.io', 'UserExtra', false),
  t('uids', 'authentication.k8s.io', 'UID', false),
  t('selfsubjectaccessreviews', 'authorization.k8s.io', 'SelfSubjectAccessReview', false),
  t('subjectaccessreviews', 'authorization.k8s.io', 'SubjectAccessReview', false),
  t('localsubjectaccessreviews', 'authorization.k8s.io', 'LocalSubjectAccessReview', true),
  t('apiservices', 'apiregistration.k8s.io', 'APIService', false, [], ['status']),
];

/** Every name a type answers to: plural, singular (lowercase kind) and short names. */
const BY_NAME = new Map<string, ResourceType[]>();
for (const type of RESOURCE_TYPES) {
  for (const name of new Set([type.resource, type.kind.toLowerCase(), ...type.shortNames])) {
    const list = BY_NAME.get(name);
    if (list) list.push(type);
    else BY_NAME.set(name, [type]);
  }
}

export function lookupResourceType(name: string, group?: string): ResourceType | undefined {
  const candidates = BY_NAME.get(name.toLowerCase()) ?? [];
  // The core group wins on ambiguity, as kubectl's priority RESTMapper prefers it (events, events.events.k8s.io).
  return group === undefined ? candidates[0] : candidates.find((c) => c.group === group);
}

export interface ParsedResource {
  type: 'resource';
  resource: string;
  apiGroup: string;
  subresource?: string;
  name?: string;
  /** False when the resource is known to be cluster-scoped; unknown resources count as namespaced. */
  namespaced: boolean;
  /** Whether the type was found in the built-in table. */
  known: boolean;
}

export interface ParsedNonResource {
  type: 'nonResource';
  path: string;
}

export interface ResourceArgOptions {
  apiGroup?: string;
  subresource?: string;
  name?: string;
}

const VERSION = /^v\d+((alpha|beta)\d+)?$/;

/**
 * `TYPE[.VERSION][.GROUP][/NAME]`, `TYPE/SUBRESOURCE` (when the part after the slash is a subresource of a
 * known type), `*`, or a non-resource URL (`/healthz`). Flags win over what the argument implies.
 */
export function parseResourceArg(
  arg: string,
  options: ResourceArgOptions = {},
): ParsedResource | ParsedNonResource {
  if (arg.startsWith('/')) {
    if (options.subresource || options.name || options.apiGroup)
      throw new UsageError(`${arg}: a non-resource URL takes no --api-group, --subresource or --name`);
    return { type: 'nonResource', path: arg };
  }
  const [typePart = '', ...rest] = arg.split('/');
  if (!typePart || rest.length > 2 || rest.some((r) => !r))
    throw new UsageError(`cannot parse resource "${arg}"`);
  if (typePart === '*') {
    return finish(
      { resource: '*', apiGroup: options.apiGroup ?? '', namespaced: true, known: false },
      rest,
      options,
    );
  }
  const dot = typePart.indexOf('.');
  const typeName = (dot < 0 ? typePart : typePart.slice(0, dot)).toLowerCase();
  let group = dot < 0 ? undefined : typePart.slice(dot + 1);
  if (group !== undefined) {
    const [first, ...others] = group.split('.');
    if (first && VERSION.test(first)) group = others.join('.');
  }
  if (options.apiGroup !== undefined) group = options.apiGroup;
  const known = lookupResourceType(typeName, group);
  return finish(
    known
      ? { resource: known.resource, apiGroup: known.group, namespaced: known.namespaced, known: true }
      : { resource: typeName, apiGroup: group ?? '', namespaced: true, known: false },
    rest,
    options,
    known,
  );
}

function finish(
  base: Omit<ParsedResource, 'type' | 'subresource' | 'name'>,
  rest: string[],
  options: ResourceArgOptions,
  known?: ResourceType,
): ParsedResource {
  let subresource: string | undefined;
  let name: string | undefined;
  if (rest.length === 2) {
    // TYPE/NAME/SUBRESOURCE, the order of the API path.
    [name, subresource] = rest;
  } else if (rest.length === 1) {
    const part = rest[0] ?? '';
    if (part === '*' || known?.subresources.includes(part)) subresource = part;
    else name = part;
  }
  if (options.subresource !== undefined) subresource = options.subresource;
  if (options.name !== undefined) name = options.name;
  return {
    type: 'resource',
    ...base,
    ...(subresource ? { subresource } : {}),
    ...(name ? { name } : {}),
  };
}
