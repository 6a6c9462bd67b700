// Recorded responses of a small cluster, shaped like what a real API server returns for
// `GET /api/v1/pods?limit=N`: typed lists whose items carry no apiVersion or kind.
import type { FakeRoute } from '../../helpers/fake-api-server.js';
import { forbidden } from '../../helpers/fake-api-server.js';
import { LIVE_RESOURCES, listPath } from '../../../src/k8s/live/resources.js';

export const SECRET_VALUE = 'c3VwZXItc2VjcmV0LXZhbHVl'; // base64 of a value that must never be written
export const SECRET_PLAIN = 'super-secret-value';

const meta = (name: string, namespace?: string, extra: Record<string, unknown> = {}) => ({
  name,
  ...(namespace ? { namespace } : {}),
  uid: `uid-${namespace ?? ''}-${name}`,
  resourceVersion: '1001',
  creationTimestamp: '2026-01-01T00:00:00Z',
  managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1' }],
  ...extra,
});

const pods = Array.from({ length: 7 }, (_, i) => ({
  metadata: meta(`web-${i}`, i < 4 ? 'team-a' : 'team-b', { labels: { app: 'web' } }),
  spec: { serviceAccountName: 'web', containers: [{ name: 'web', image: 'nginx:1.27' }] },
  status: { phase: 'Running', podIP: `10.0.0.${i + 1}` },
}));

const secrets = [
  {
    metadata: meta('db', 'team-a', {
      annotations: {
        'kubectl.kubernetes.io/last-applied-configuration': `{"apiVersion":"v1","data":{"password":"${SECRET_VALUE}"},"kind":"Secret"}`,
        owner: 'team-a',
      },
    }),
    type: 'Opaque',
    data: { password: SECRET_VALUE },
  },
  { metadata: meta('tls', 'team-b'), type: 'kubernetes.io/tls', stringData: { 'tls.key': SECRET_PLAIN } },
];

const rbac: Record<string, Record<string, unknown>[]> = {
  clusterroles: [
    {
      metadata: meta('secret-reader'),
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }],
    },
  ],
  clusterrolebindings: [
    {
      metadata: meta('auditors-secrets'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'secret-reader' },
      subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'auditors' }],
    },
  ],
  rolebindings: [
    {
      metadata: meta('web-reads-secrets', 'team-a'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'secret-reader' },
      subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: 'team-a' }],
    },
  ],
};

/** Every LIVE_RESOURCES path: data for some, empty lists for the rest, 403 for nodes. */
export function recordedRoutes(): Record<string, FakeRoute> {
  const routes: Record<string, FakeRoute> = {};
  for (const r of LIVE_RESOURCES) {
    const apiVersion = r.group ? `${r.group}/${r.version}` : r.version;
    const items =
      r.resource === 'pods'
        ? pods
        : r.resource === 'secrets'
          ? secrets
          : r.resource === 'namespaces'
            ? [
                { metadata: meta('team-a', undefined, { labels: { team: 'a' } }) },
                { metadata: meta('team-b') },
              ]
            : (rbac[r.resource] ?? []);
    routes[listPath(r)] = { type: 'list', list: { apiVersion, kind: `${r.kind}List`, items } };
  }
  routes['/api/v1/nodes'] = forbidden('nodes');
  // An older cluster that does not serve batch/v1 cronjobs answers 404.
  delete routes['/apis/batch/v1/cronjobs'];
  return routes;
}
