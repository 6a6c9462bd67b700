// The RBAC authorizer (kubernetes/plugin/pkg/auth/authorizer/rbac/rbac.go): ClusterRoleBindings always
// apply; RoleBindings only when the request has a namespace, and only those in that namespace. Non-resource
// requests have no namespace, so only ClusterRoles bound by ClusterRoleBindings can grant them.
import type { BindingRecord, PolicyRule, RbacModel, RoleRecord, Subject } from './model.js';
import type { AccessRequest, UserInfo } from './request.js';
import { requestNamespace } from './request.js';
import { ruleAllows } from './rule-match.js';
import { MASTERS, effectiveSubject, subjectAppliesTo } from './user.js';

export interface ObjectName {
  kind: string;
  name: string;
  namespace?: string;
}

/** Why a request was allowed: which binding, through which subject, to which role and rule. */
export interface Grant {
  binding: ObjectName;
  role: ObjectName;
  subject: Subject;
  /** Index of the allowing rule in the role's effective rules. */
  ruleIndex: number;
  rule: PolicyRule;
}

export interface Decision {
  allowed: boolean;
  /** The first grant that allowed the request (null when denied or allowed by system:masters). */
  via: Grant | null;
  reason: string;
}

export function nameOf(record: BindingRecord | RoleRecord): ObjectName {
  return {
    kind: record.kind,
    name: record.name,
    ...(record.namespace !== undefined ? { namespace: record.namespace } : {}),
  };
}

/** Bindings the authorizer consults for a request namespace, in the order it visits them. */
export function bindingsFor(model: RbacModel, namespace: string): readonly BindingRecord[] {
  return namespace
    ? [...model.clusterRoleBindings, ...model.roleBindingsIn(namespace)]
    : model.clusterRoleBindings;
}

/** The index of the first rule of `binding` that allows `request`, or -1. */
export function allowingRule(model: RbacModel, binding: BindingRecord, request: AccessRequest): number {
  return model.rulesFor(binding).findIndex((rule) => ruleAllows(rule, request));
}

export function authorize(model: RbacModel, user: UserInfo, request: AccessRequest): Decision {
  if (user.groups.includes(MASTERS))
    return { allowed: true, via: null, reason: `member of ${MASTERS}, which bypasses authorization` };
  const namespace = requestNamespace(request);
  for (const binding of bindingsFor(model, namespace)) {
    const bindingNamespace = binding.namespace ?? '';
    const subject = binding.subjects.find((s) => subjectAppliesTo(s, user, bindingNamespace));
    if (!subject) continue;
    const index = allowingRule(model, binding, request);
    if (index < 0) continue;
    const role = model.roleFor(binding);
    const rule = model.rulesFor(binding)[index];
    if (!role || !rule) continue;
    const applied = effectiveSubject(subject, bindingNamespace) ?? subject;
    return {
      allowed: true,
      via: {
        binding: nameOf(binding),
        role: nameOf(role),
        subject: stripIndex(applied),
        ruleIndex: index,
        rule,
      },
      reason: `${binding.kind} "${binding.name}" grants ${role.kind} "${role.name}" to ${applied.kind} "${applied.name}"`,
    };
  }
  return { allowed: false, via: null, reason: 'no RBAC binding allows this request' };
}

function stripIndex(subject: Subject & { index?: number }): Subject {
  return {
    kind: subject.kind,
    name: subject.name,
    ...(subject.namespace !== undefined ? { namespace: subject.namespace } : {}),
  };
}
