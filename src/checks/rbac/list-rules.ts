import type { ObjectName } from './authorizer.js';
import { nameOf } from './authorizer.js';
import type { PolicyRule, RbacModel, Subject } from './model.js';
import type { UserInfo } from './request.js';
import { effectiveSubject, subjectAppliesTo } from './user.js';

export interface EffectiveRule {
  /** Namespace the rule applies in, or undefined for cluster-wide (ClusterRoleBinding). */
  namespace?: string;
  rule: PolicyRule;
  binding: ObjectName;
  role: ObjectName;
  /** The binding subject that matched the user. */
  subject: Subject;
}

/**
 * Every rule that applies to `user`: cluster-wide ones from ClusterRoleBindings, then per-namespace ones from
 * RoleBindings (all namespaces, or only `namespace`). Same matching as the authorizer.
 */
export function listRules(model: RbacModel, user: UserInfo, namespace?: string): EffectiveRule[] {
  const out: EffectiveRule[] = [];
  const namespaces = namespace ? [namespace] : model.roleBindingNamespaces();
  const bindings = [...model.clusterRoleBindings, ...namespaces.flatMap((ns) => model.roleBindingsIn(ns))];
  for (const binding of bindings) {
    const bindingNamespace = binding.namespace ?? '';
    const written = binding.subjects.find((s) => subjectAppliesTo(s, user, bindingNamespace));
    const role = model.roleFor(binding);
    if (!written || !role) continue;
    const subject = effectiveSubject(written, bindingNamespace) ?? written;
    for (const rule of model.rulesOf(role)) {
      out.push({
        ...(binding.namespace !== undefined ? { namespace: binding.namespace } : {}),
        rule,
        binding: nameOf(binding),
        role: nameOf(role),
        subject: {
          kind: subject.kind,
          name: subject.name,
          ...(subject.namespace ? { namespace: subject.namespace } : {}),
        },
      });
    }
  }
  return out;
}
