// Escalation through pod creation: whoever can create pods (or workloads) in a namespace can run them as
// any service account of that namespace and so holds every right those accounts hold. A chain reads
// `User/alice -> can create pods in team-a -> ServiceAccount team-a/deployer -> can read secrets cluster-wide`.
import type { ManifestSet } from '../../k8s/manifest-set.js';
import { authorize } from './authorizer.js';
import type { RbacModel } from './model.js';
import type { ResourceRequest } from './request.js';
import { impersonatedUser, serviceAccountUsername } from './user.js';

interface Power {
  text: (namespace: string) => string;
  request: (namespace: string) => ResourceRequest;
}

const req = (verb: string, apiGroup: string, resource: string, namespace = '', subresource?: string) => ({
  type: 'resource' as const,
  verb,
  apiGroup,
  resource,
  namespace,
  ...(subresource ? { subresource } : {}),
});

/** Rights worth escalating to, strongest first; the first held one (or all, see powersOf) names the chain end. */
const POWERS: readonly Power[] = [
  { text: () => 'has cluster-admin rights', request: () => req('*', '*', '*') },
  { text: () => 'can read secrets cluster-wide', request: () => req('get', '', 'secrets') },
  { text: () => 'can impersonate users', request: () => req('impersonate', '', 'users') },
  {
    text: () => 'can escalate cluster roles',
    request: () => req('escalate', 'rbac.authorization.k8s.io', 'clusterroles'),
  },
  {
    text: () => 'can bind cluster roles',
    request: () => req('bind', 'rbac.authorization.k8s.io', 'clusterroles'),
  },
  {
    text: () => 'can create cluster role bindings',
    request: () => req('create', 'rbac.authorization.k8s.io', 'clusterrolebindings'),
  },
  { text: () => 'can proxy to kubelets (nodes/proxy)', request: () => req('get', '', 'nodes', '', 'proxy') },
  { text: (ns) => `can read secrets in ${ns}`, request: (ns) => req('get', '', 'secrets', ns) },
  { text: (ns) => `can exec into pods in ${ns}`, request: (ns) => req('create', '', 'pods', ns, 'exec') },
  {
    text: (ns) => `can create service account tokens in ${ns}`,
    request: (ns) => req('create', '', 'serviceaccounts', ns, 'token'),
  },
];

/** Service accounts known to exist in a namespace: ServiceAccount objects, binding subjects, and `default`. */
export function serviceAccountsIn(set: ManifestSet, model: RbacModel, namespace: string): string[] {
  const names = new Set<string>(['default']);
  for (const sa of set.byKind('ServiceAccount'))
    if ((sa.metadata.namespace ?? 'default') === namespace) names.add(sa.metadata.name);
  for (const binding of model.bindings)
    for (const s of binding.subjects)
      if (s.kind === 'ServiceAccount' && (s.namespace ?? binding.namespace) === namespace) names.add(s.name);
  return [...names].sort();
}

/** Namespaces a service account may live in for this set (those with objects, bindings or SAs). */
export function namespacesOf(set: ManifestSet, model: RbacModel): string[] {
  const namespaces = new Set<string>(set.namespaces);
  for (const ns of model.roleBindingNamespaces()) namespaces.add(ns);
  for (const binding of model.bindings)
    for (const s of binding.subjects)
      if (s.kind === 'ServiceAccount' && s.namespace) namespaces.add(s.namespace);
  return [...namespaces].sort();
}

const powerCache = new WeakMap<RbacModel, Map<string, string[]>>();

/** The rights (strongest first) a service account holds, including through its implicit groups. */
export function powersOf(model: RbacModel, namespace: string, name: string): string[] {
  let cache = powerCache.get(model);
  if (!cache) {
    cache = new Map();
    powerCache.set(model, cache);
  }
  const key = `${namespace}/${name}`;
  const known = cache.get(key);
  if (known) return known;
  const user = impersonatedUser(serviceAccountUsername(namespace, name));
  const held = POWERS.filter((p) => authorize(model, user, p.request(namespace)).allowed).map((p) =>
    p.text(namespace),
  );
  // cluster-admin implies the rest; name it alone so chains stay readable.
  const result = held[0] === POWERS[0]?.text(namespace) ? held.slice(0, 1) : held;
  cache.set(key, result);
  return result;
}

export interface EscalationChain {
  serviceAccount: { namespace: string; name: string };
  powers: string[];
  text: string;
}

/** Chains from a subject that can create pods in `namespaces` to the service accounts it could run as. */
export function escalationChains(
  set: ManifestSet,
  model: RbacModel,
  subjectText: string,
  action: string,
  namespaces: readonly string[],
): EscalationChain[] {
  const out: EscalationChain[] = [];
  for (const namespace of namespaces) {
    for (const name of serviceAccountsIn(set, model, namespace)) {
      const powers = powersOf(model, namespace, name);
      if (powers.length === 0) continue;
      out.push({
        serviceAccount: { namespace, name },
        powers,
        text: `${subjectText} -> can ${action} in ${namespace} -> ServiceAccount ${namespace}/${name} -> ${powers.join(', ')}`,
      });
    }
  }
  return out;
}
