// Users, groups and subjects as the API server authenticates and impersonates them
// (k8s.io/apiserver/pkg/endpoints/filters/impersonation.go, pkg/serviceaccount/util.go).
import type { Subject } from './model.js';
import type { UserInfo } from './request.js';

export const ANONYMOUS = 'system:anonymous';
export const AUTHENTICATED = 'system:authenticated';
export const UNAUTHENTICATED = 'system:unauthenticated';
export const ALL_SERVICE_ACCOUNTS = 'system:serviceaccounts';
/** Members bypass authorization entirely (the API server's privileged-group authorizer runs before RBAC). */
export const MASTERS = 'system:masters';

const SA_PREFIX = 'system:serviceaccount:';

export function serviceAccountUsername(namespace: string, name: string): string {
  return `${SA_PREFIX}${namespace}:${name}`;
}

/** `system:serviceaccount:NS:NAME` -> {namespace, name}; undefined for any other username. */
export function parseServiceAccountUsername(
  username: string,
): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SA_PREFIX)) return undefined;
  const parts = username.slice(SA_PREFIX.length).split(':');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { namespace: parts[0], name: parts[1] };
}

/**
 * The user an `--as USER [--as-group G...]` request is evaluated as. Without explicit groups a service
 * account gets its fixed groups; everyone but the anonymous user gets `system:authenticated` unless one of
 * the two all-users groups was given, and the anonymous user gets `system:unauthenticated`.
 */
export function impersonatedUser(name: string, explicitGroups: readonly string[] = []): UserInfo {
  const groups = [...explicitGroups];
  const sa = parseServiceAccountUsername(name);
  if (sa && explicitGroups.length === 0)
    groups.push(ALL_SERVICE_ACCOUNTS, `${ALL_SERVICE_ACCOUNTS}:${sa.namespace}`);
  if (name === ANONYMOUS) {
    if (!groups.includes(UNAUTHENTICATED)) groups.push(UNAUTHENTICATED);
  } else if (!groups.includes(AUTHENTICATED) && !groups.includes(UNAUTHENTICATED)) {
    groups.push(AUTHENTICATED);
  }
  return { name, groups: [...new Set(groups)] };
}

/**
 * Whether a binding subject names this user. A ServiceAccount subject without a namespace takes the
 * RoleBinding's namespace; in a ClusterRoleBinding it matches nobody (rbac.go appliesToUser).
 */
export function subjectAppliesTo(subject: Subject, user: UserInfo, bindingNamespace: string): boolean {
  switch (subject.kind) {
    case 'User':
      return user.name === subject.name;
    case 'Group':
      return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      const namespace = subject.namespace ?? bindingNamespace;
      if (!namespace) return false;
      return user.name === serviceAccountUsername(namespace, subject.name);
    }
  }
}

/** The subject as it effectively applies (ServiceAccount namespace defaulted), or undefined if it never can. */
export function effectiveSubject(subject: Subject, bindingNamespace: string): Subject | undefined {
  if (subject.kind !== 'ServiceAccount') return { kind: subject.kind, name: subject.name };
  const namespace = subject.namespace ?? bindingNamespace;
  return namespace ? { kind: 'ServiceAccount', name: subject.name, namespace } : undefined;
}

export function subjectRef(subject: Subject): string {
  return subject.kind === 'ServiceAccount'
    ? `ServiceAccount/${subject.namespace ?? ''}/${subject.name}`
    : `${subject.kind}/${subject.name}`;
}

export function compareSubjects(a: Subject, b: Subject): number {
  return cmp(a.kind, b.kind) || cmp(a.namespace ?? '', b.namespace ?? '') || cmp(a.name, b.name);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
