// What `serve` watches: pods and the workload kinds that own them (to name workloads and run the posture
// checks on their templates), plus what the posture checks read about isolation, exposure and RBAC. Secrets
// are not watched: no check needs their values and least privilege says no. The install renderer grants
// exactly this list (get, list, watch), so the two cannot drift.
import type { WatchedResource } from '../k8s/live/watch.js';

const r = (group: string, resource: string, kind: string, namespaced = true): WatchedResource => ({
  group,
  version: 'v1',
  resource,
  kind,
  namespaced,
});

export const POD_RESOURCE = r('', 'pods', 'Pod');

export const WATCHED_RESOURCES: readonly WatchedResource[] = [
  POD_RESOURCE,
  r('', 'namespaces', 'Namespace', false),
  r('', 'services', 'Service'),
  r('', 'serviceaccounts', 'ServiceAccount'),
  r('', 'replicationcontrollers', 'ReplicationController'),
  r('apps', 'deployments', 'Deployment'),
  r('apps', 'replicasets', 'ReplicaSet'),
  r('apps', 'statefulsets', 'StatefulSet'),
  r('apps', 'daemonsets', 'DaemonSet'),
  r('batch', 'jobs', 'Job'),
  r('batch', 'cronjobs', 'CronJob'),
  r('networking.k8s.io', 'networkpolicies', 'NetworkPolicy'),
  r('rbac.authorization.k8s.io', 'roles', 'Role'),
  r('rbac.authorization.k8s.io', 'rolebindings', 'RoleBinding'),
  r('rbac.authorization.k8s.io', 'clusterroles', 'ClusterRole', false),
  r('rbac.authorization.k8s.io', 'clusterrolebindings', 'ClusterRoleBinding', false),
];
