// AdmissionReview requests shaped as the API server sends them (admission.k8s.io/v1).
import { randomUUID } from 'node:crypto';

const RESOURCES: Record<string, { group: string; version: string; resource: string }> = {
  Pod: { group: '', version: 'v1', resource: 'pods' },
  Deployment: { group: 'apps', version: 'v1', resource: 'deployments' },
  StatefulSet: { group: 'apps', version: 'v1', resource: 'statefulsets' },
  DaemonSet: { group: 'apps', version: 'v1', resource: 'daemonsets' },
  ReplicaSet: { group: 'apps', version: 'v1', resource: 'replicasets' },
  Job: { group: 'batch', version: 'v1', resource: 'jobs' },
  CronJob: { group: 'batch', version: 'v1', resource: 'cronjobs' },
  Service: { group: '', version: 'v1', resource: 'services' },
  ConfigMap: { group: '', version: 'v1', resource: 'configmaps' },
};

export interface ReviewOptions {
  operation?: 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';
  oldObject?: Record<string, unknown>;
  subResource?: string;
  username?: string;
  dryRun?: boolean;
  uid?: string;
  namespace?: string;
}

export function reviewFor(
  object: Record<string, unknown>,
  options: ReviewOptions = {},
): Record<string, unknown> {
  const kind = String(object['kind']);
  const resource = RESOURCES[kind];
  if (!resource) throw new Error(`no resource for kind ${kind}`);
  const meta = (object['metadata'] ?? {}) as Record<string, unknown>;
  const operation = options.operation ?? 'CREATE';
  const gvk = { group: resource.group, version: resource.version, kind };
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: options.uid ?? randomUUID(),
      kind: gvk,
      resource,
      ...(options.subResource
        ? { subResource: options.subResource, requestSubResource: options.subResource }
        : {}),
      requestKind: gvk,
      requestResource: resource,
      name: meta['name'],
      namespace: options.namespace ?? meta['namespace'],
      operation,
      userInfo: {
        username: options.username ?? 'kubernetes-admin',
        uid: 'b8a2a7a0-0000-4000-8000-000000000001',
        groups: ['system:masters', 'system:authenticated'],
      },
      object: operation === 'DELETE' ? null : object,
      oldObject: options.oldObject ?? null,
      dryRun: options.dryRun ?? false,
      options: {
        kind: operation === 'UPDATE' ? 'UpdateOptions' : 'CreateOptions',
        apiVersion: 'meta.k8s.io/v1',
        fieldManager: 'kubectl-client-side-apply',
      },
    },
  };
}

/** A Pod that passes restricted:latest. */
export function restrictedPod(
  name = 'good',
  image = 'registry.example.com/team/app:1.0',
): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop' },
    spec: {
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'app',
          image,
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
  };
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}
