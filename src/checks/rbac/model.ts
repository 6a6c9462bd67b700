import type { K8sObject } from '../../k8s/object.js';
import { asArray, isObject } from '../../k8s/object.js';
import type { LabelSelector } from './label-selector.js';
import { matchesLabelSelector, parseLabelSelector } from './label-selector.js';

/** One RBAC PolicyRule, normalised: every list present (possibly empty), only strings kept. */
export interface PolicyRule {
  verbs: readonly string[];
  apiGroups: readonly string[];
  resources: readonly string[];
  resourceNames: readonly string[];
  nonResourceURLs: readonly string[];
}

export type SubjectKind = 'User' | 'Group' | 'ServiceAccount';

export interface Subject {
  kind: SubjectKind;
  name: string;
  /** Only for ServiceAccount subjects. */
  namespace?: string;
}

export interface RoleRecord {
  kind: 'Role' | 'ClusterRole';
  name: string;
  /** Set for Roles only. */
  namespace?: string;
  labels: Readonly<Record<string, string>>;
  /** The rules written in the object (for aggregated ClusterRoles, what the controller last wrote). */
  ownRules: readonly PolicyRule[];
  /** Present when the ClusterRole has an aggregationRule. */
  aggregation?: readonly LabelSelector[];
  object: K8sObject;
}

export interface RoleRef {
  kind: 'Role' | 'ClusterRole';
  name: string;
}

export interface BindingRecord {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  name: string;
  /** Set for RoleBindings only: the namespace the grant applies in. */
  namespace?: string;
  roleRef: RoleRef;
  /** Subjects as written, with their index in `subjects` (for finding fields). */
  subjects: readonly (Subject & { index: number })[];
  object: K8sObject;
}

/** The RBAC objects of one cluster state, with aggregation resolved and roles indexed. */
export interface RbacModel {
  roles: readonly RoleRecord[];
  bindings: readonly BindingRecord[];
  clusterRoleBindings: readonly BindingRecord[];
  /** RoleBindings by namespace. */
  roleBindingsIn(namespace: string): readonly BindingRecord[];
  /** Every namespace that holds RoleBindings. */
  roleBindingNamespaces(): readonly string[];
  findRole(ref: RoleRef, bindingNamespace: string | undefined): RoleRecord | undefined;
  /** Effective rules of a role: its own rules, or for aggregated ClusterRoles the union of the matches'. */
  rulesOf(role: RoleRecord): readonly PolicyRule[];
  /** Effective rules a binding grants; empty when its role is missing (the API server skips it too). */
  rulesFor(binding: BindingRecord): readonly PolicyRule[];
  roleFor(binding: BindingRecord): RoleRecord | undefined;
}

function strings(value: unknown): string[] {
  return asArray(value).filter((v): v is string => typeof v === 'string');
}

export function parsePolicyRule(value: unknown): PolicyRule | undefined {
  if (!isObject(value)) return undefined;
  return {
    verbs: strings(value['verbs']),
    apiGroups: strings(value['apiGroups']),
    resources: strings(value['resources']),
    resourceNames: strings(value['resourceNames']),
    nonResourceURLs: strings(value['nonResourceURLs']),
  };
}

function parseRules(value: unknown): PolicyRule[] {
  return asArray(value).flatMap((r) => parsePolicyRule(r) ?? []);
}

const SUBJECT_KINDS = new Set<string>(['User', 'Group', 'ServiceAccount']);

function parseSubjects(value: unknown): (Subject & { index: number })[] {
  const out: (Subject & { index: number })[] = [];
  asArray(value).forEach((s, index) => {
    if (!isObject(s)) return;
    const kind = s['kind'];
    const name = s['name'];
    if (typeof kind !== 'string' || !SUBJECT_KINDS.has(kind) || typeof name !== 'string' || !name) return;
    const namespace = s['namespace'];
    out.push({
      kind: kind as SubjectKind,
      name,
      ...(kind === 'ServiceAccount' && typeof namespace === 'string' && namespace ? { namespace } : {}),
      index,
    });
  });
  return out;
}

function parseRole(object: K8sObject): RoleRecord | undefined {
  if (object.kind !== 'Role' && object.kind !== 'ClusterRole') return undefined;
  const aggregationRule = object.raw['aggregationRule'];
  const selectors = isObject(aggregationRule)
    ? asArray(aggregationRule['clusterRoleSelectors']).flatMap((s) => parseLabelSelector(s) ?? [])
    : undefined;
  return {
    kind: object.kind,
    name: object.metadata.name,
    ...(object.kind === 'Role' ? { namespace: object.metadata.namespace ?? 'default' } : {}),
    labels: object.metadata.labels,
    ownRules: parseRules(object.raw['rules']),
    ...(object.kind === 'ClusterRole' && selectors !== undefined ? { aggregation: selectors } : {}),
    object,
  };
}

function parseBinding(object: K8sObject): BindingRecord | undefined {
  if (object.kind !== 'RoleBinding' && object.kind !== 'ClusterRoleBinding') return undefined;
  const ref = object.raw['roleRef'];
  if (!isObject(ref)) return undefined;
  const refKind = ref['kind'];
  const refName = ref['name'];
  if ((refKind !== 'Role' && refKind !== 'ClusterRole') || typeof refName !== 'string') return undefined;
  // A ClusterRoleBinding can only reference a ClusterRole; the API server rejects anything else.
  if (object.kind === 'ClusterRoleBinding' && refKind !== 'ClusterRole') return undefined;
  return {
    kind: object.kind,
    name: object.metadata.name,
    ...(object.kind === 'RoleBinding' ? { namespace: object.metadata.namespace ?? 'default' } : {}),
    roleRef: { kind: refKind, name: refName },
    subjects: parseSubjects(object.raw['subjects']),
    object,
  };
}

const ruleKeys = new WeakMap<PolicyRule, string>();

/** Identity of a rule's content, for de-duplicating aggregated rules; computed once per rule. */
function ruleKey(rule: PolicyRule): string {
  let key = ruleKeys.get(rule);
  if (key === undefined) {
    key = [rule.verbs, rule.apiGroups, rule.resources, rule.resourceNames, rule.nonResourceURLs]
      .map((list) => list.join('\u0001'))
      .join('\u0000');
    ruleKeys.set(rule, key);
  }
  return key;
}

function roleKey(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}\u0000${namespace ?? ''}\u0000${name}`;
}

export interface RbacModelOptions {
  /**
   * Add the built-in `cluster-admin` ClusterRole when the input lacks it. Manifests bind to it without
   * defining it, and every cluster has it; without it such bindings would silently grant nothing.
   */
  assumeBuiltins?: boolean;
}

/** The `cluster-admin` ClusterRole every API server bootstraps (plugin/pkg/auth/authorizer/rbac/bootstrappolicy). */
export const BUILTIN_CLUSTER_ADMIN: K8sObject = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: {
    name: 'cluster-admin',
    labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
    annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
  },
  raw: {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'cluster-admin', labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' } },
    rules: [
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { nonResourceURLs: ['*'], verbs: ['*'] },
    ],
  },
  source: { file: '<built-in>', line: 1, column: 1 },
};

/** Build the model from any objects; non-RBAC objects are ignored. Later duplicates replace earlier ones. */
export function buildRbacModel(objects: readonly K8sObject[], options: RbacModelOptions = {}): RbacModel {
  const roleByKey = new Map<string, RoleRecord>();
  const bindingByKey = new Map<string, BindingRecord>();
  const all = options.assumeBuiltins === false ? objects : [BUILTIN_CLUSTER_ADMIN, ...objects];
  for (const object of all) {
    const role = parseRole(object);
    if (role) roleByKey.set(roleKey(role.kind, role.namespace, role.name), role);
    const binding = parseBinding(object);
    if (binding) bindingByKey.set(roleKey(binding.kind, binding.namespace, binding.name), binding);
  }
  // Sorted by key so that answers (the first binding that allows) do not depend on input order.
  const sortedValues = <T>(map: Map<string, T>) =>
    [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  const roles = sortedValues(roleByKey);
  const bindings = sortedValues(bindingByKey);
  const clusterRoles = roles.filter((r) => r.kind === 'ClusterRole');
  const clusterRoleBindings = bindings.filter((b) => b.kind === 'ClusterRoleBinding');
  const byNamespace = new Map<string, BindingRecord[]>();
  for (const b of bindings) {
    if (b.kind !== 'RoleBinding' || b.namespace === undefined) continue;
    const list = byNamespace.get(b.namespace);
    if (list) list.push(b);
    else byNamespace.set(b.namespace, [b]);
  }

  const effective = new Map<RoleRecord, readonly PolicyRule[]>();
  const matchesOf = new Map<RoleRecord, RoleRecord[]>();
  const directMatches = (role: RoleRecord): RoleRecord[] => {
    let found = matchesOf.get(role);
    if (!found) {
      const selectors = role.aggregation ?? [];
      found = clusterRoles.filter(
        (other) => other !== role && selectors.some((s) => matchesLabelSelector(s, other.labels)),
      );
      matchesOf.set(role, found);
    }
    return found;
  };
  const rulesOf = (role: RoleRecord): readonly PolicyRule[] => {
    const known = effective.get(role);
    if (known) return known;
    if (!role.aggregation) {
      effective.set(role, role.ownRules);
      return role.ownRules;
    }
    // The clusterrole-aggregation controller sets the rules to the union of the rules of every other
    // ClusterRole a selector matches, and matched aggregated roles contribute their own unions: at the fixed
    // point that is the rules of every plain ClusterRole reachable through matches (cycles included).
    const union: PolicyRule[] = [];
    const seen = new Set<string>();
    const visited = new Set<RoleRecord>([role]);
    const stack = [...directMatches(role)];
    while (stack.length > 0) {
      const other = stack.pop()!;
      if (visited.has(other)) continue;
      visited.add(other);
      if (other.aggregation) {
        stack.push(...directMatches(other));
        continue;
      }
      for (const rule of other.ownRules) {
        const key = ruleKey(rule);
        if (seen.has(key)) continue;
        seen.add(key);
        union.push(rule);
      }
    }
    effective.set(role, union);
    return union;
  };

  const findRole = (ref: RoleRef, bindingNamespace: string | undefined): RoleRecord | undefined =>
    ref.kind === 'Role'
      ? bindingNamespace === undefined
        ? undefined
        : roleByKey.get(roleKey('Role', bindingNamespace, ref.name))
      : roleByKey.get(roleKey('ClusterRole', undefined, ref.name));
  const roleFor = (binding: BindingRecord) => findRole(binding.roleRef, binding.namespace);

  return {
    roles,
    bindings,
    clusterRoleBindings,
    roleBindingsIn: (namespace) => byNamespace.get(namespace) ?? [],
    roleBindingNamespaces: () => [...byNamespace.keys()].sort(),
    findRole,
    rulesOf,
    rulesFor: (binding) => {
      const role = roleFor(binding);
      return role ? rulesOf(role) : [];
    },
    roleFor,
  };
}
