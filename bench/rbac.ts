// RBAC who-can over 5,000 roles and 10,000 bindings (target: under 1 s), next to a floor of one linear
// pass over every binding's subjects, the least any who-can must do.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Bench, BenchResult } from './types.js';
import type { K8sObject } from '../src/k8s/object.js';
import type { AccessRequest } from '../src/checks/rbac/index.js';
import { buildRbacModel, whoCan } from '../src/checks/rbac/index.js';
import { loadClusterState } from '../src/k8s/cluster-state.js';

const DATA = join(import.meta.dirname, '.data');

const ROLES = 5_000;
const BINDINGS = 10_000;
const NAMESPACES = 100;
const RBAC = 'rbac.authorization.k8s.io/v1';

const RESOURCES = [
  ['', 'pods'],
  ['', 'secrets'],
  ['', 'configmaps'],
  ['', 'services'],
  ['apps', 'deployments'],
  ['apps', 'statefulsets'],
  ['batch', 'jobs'],
  ['networking.k8s.io', 'ingresses'],
  ['', 'pods/exec'],
  ['', 'pods/log'],
] as const;
const VERBS = [['get', 'list', 'watch'], ['create', 'update', 'patch', 'delete'], ['get'], ['*']] as const;

function object(
  kind: string,
  name: string,
  namespace: string | undefined,
  raw: Record<string, unknown>,
): K8sObject {
  const metadata = { name, ...(namespace ? { namespace } : {}) };
  return {
    apiVersion: RBAC,
    kind,
    metadata: { ...metadata, labels: (raw['labels'] as Record<string, string>) ?? {}, annotations: {} },
    raw: { apiVersion: RBAC, kind, metadata, ...raw },
    source: { file: 'bench', line: 1, column: 1 },
  };
}

/** Deterministic: 1,000 ClusterRoles (50 aggregated) and 4,000 Roles; 2,000 ClusterRoleBindings and 8,000 RoleBindings. */
export function generateRbac(): K8sObject[] {
  const out: K8sObject[] = [];
  const clusterRoles = ROLES / 5;
  for (let i = 0; i < ROLES; i++) {
    const rules = Array.from({ length: 3 + (i % 3) }, (_, j) => {
      const [group, resource] = RESOURCES[(i + j * 3) % RESOURCES.length]!;
      return { apiGroups: [group], resources: [resource], verbs: [...VERBS[(i + j) % VERBS.length]!] };
    });
    if (i < clusterRoles) {
      const aggregated = i % 20 === 0;
      out.push(
        object('ClusterRole', `cr-${i}`, undefined, {
          labels: { [`agg-${i % 7}`]: 'true' },
          rules: aggregated ? [] : rules,
          ...(aggregated
            ? { aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [`agg-${i % 7}`]: 'true' } }] } }
            : {}),
        }),
      );
    } else {
      out.push(object('Role', `role-${i}`, `ns-${i % NAMESPACES}`, { rules }));
    }
  }
  for (let i = 0; i < BINDINGS; i++) {
    const ns = `ns-${i % NAMESPACES}`;
    const subjects = Array.from({ length: 1 + (i % 3) }, (_, j) =>
      j === 0
        ? { kind: 'User', name: `user-${(i * 7) % 3000}` }
        : j === 1
          ? { kind: 'Group', name: `group-${i % 200}` }
          : { kind: 'ServiceAccount', name: `sa-${i % 50}`, namespace: ns },
    );
    if (i < BINDINGS / 5) {
      out.push(
        object('ClusterRoleBinding', `crb-${i}`, undefined, {
          roleRef: {
            apiGroup: 'rbac.authorization.k8s.io',
            kind: 'ClusterRole',
            name: `cr-${i % clusterRoles}`,
          },
          subjects,
        }),
      );
    } else {
      const roleIndex =
        clusterRoles +
        ((i % (ROLES - clusterRoles)) - ((i % (ROLES - clusterRoles)) % NAMESPACES)) +
        (i % NAMESPACES);
      const toClusterRole = i % 4 === 0;
      out.push(
        object('RoleBinding', `rb-${i}`, ns, {
          roleRef: {
            apiGroup: 'rbac.authorization.k8s.io',
            kind: toClusterRole ? 'ClusterRole' : 'Role',
            name: toClusterRole ? `cr-${i % clusterRoles}` : `role-${roleIndex}`,
          },
          subjects,
        }),
      );
    }
  }
  return out;
}

async function seconds(fn: () => unknown, runs = 5): Promise<number> {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    await fn();
    best = Math.min(best, Number(process.hrtime.bigint() - started) / 1e9);
  }
  return best;
}

const QUERIES: AccessRequest[] = [
  { type: 'resource', verb: 'get', apiGroup: '', resource: 'secrets', namespace: 'ns-7' },
  {
    type: 'resource',
    verb: 'create',
    apiGroup: '',
    resource: 'pods',
    subresource: 'exec',
    namespace: 'ns-42',
  },
  { type: 'resource', verb: 'delete', apiGroup: 'apps', resource: 'deployments', namespace: '' },
];

export const rbacBench: Bench = {
  id: 'rbac',
  description: `rbac who-can over ${ROLES.toLocaleString('en')} roles and ${BINDINGS.toLocaleString('en')} bindings vs one pass over every binding's subjects`,
  async run() {
    const objects = generateRbac();
    const floorName = 'one pass over all binding subjects';
    // Floor: read every binding's subjects once, straight from the raw objects.
    let subjectCount = 0;
    const floor = await seconds(() => {
      subjectCount = 0;
      for (const o of objects) {
        const subjects = o.raw['subjects'];
        if (!Array.isArray(subjects)) continue;
        for (const s of subjects) if (String((s as Record<string, unknown>)['name'])) subjectCount++;
      }
    });
    const model = buildRbacModel(objects);
    whoCan(model, QUERIES[0]!);
    const warm = (await seconds(() => QUERIES.forEach((q) => whoCan(model, q)))) / QUERIES.length;
    let found = 0;
    const cold = await seconds(() => {
      found = whoCan(buildRbacModel(objects), QUERIES[0]!, { anyNamespace: true }).subjects.length;
    });
    await mkdir(DATA, { recursive: true });
    const file = join(DATA, 'rbac-snapshot.json');
    await writeFile(
      file,
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects.map((o) => o.raw) }, null, 1),
    );
    const parseFloor = await seconds(async () => JSON.parse(await readFile(file, 'utf8')), 3);
    const fromFile = await seconds(async () => {
      const state = await loadClusterState({ snapshot: file });
      whoCan(buildRbacModel(state.objects), QUERIES[0]!);
    }, 3);
    return [
      {
        name: 'who-can on a built model (mean of 3 queries)',
        value: warm,
        unit: 's',
        floor: { name: floorName, value: floor },
        ratio: warm / floor,
        note: `${ROLES} roles, ${BINDINGS} bindings, ${subjectCount} binding subjects`,
      },
      {
        name: 'who-can -A including model build (aggregation, indexes)',
        value: cold,
        unit: 's',
        floor: { name: floorName, value: floor },
        ratio: cold / floor,
        note: `${found} subjects; target < 1 s`,
      },
      {
        name: 'who-can from a snapshot file (read, build, query)',
        value: fromFile,
        unit: 's',
        floor: { name: 'JSON.parse of the same file', value: parseFloor },
        ratio: fromFile / parseFloor,
        note: 'target < 1 s',
      },
    ] satisfies BenchResult[];
  },
};
