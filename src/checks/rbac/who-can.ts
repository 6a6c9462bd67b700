import type { Grant } from './authorizer.js';
import { nameOf } from './authorizer.js';
import type { BindingRecord, RbacModel, RoleRecord, Subject } from './model.js';
import type { AccessRequest } from './request.js';
import { requestNamespace } from './request.js';
import { ruleAllows } from './rule-match.js';
import { compareSubjects, effectiveSubject, subjectRef } from './user.js';

export interface WhoCanOptions {
  /**
   * Consult RoleBindings in every namespace ("can do it in some namespace") instead of only the request's
   * namespace. Only for namespaced resources: callers must not set it for cluster-scoped ones.
   */
  anyNamespace?: boolean;
}

export interface WhoCanResult {
  /** Sorted by kind, namespace, name; each subject once. */
  subjects: Subject[];
  /** Every binding that grants the request, for explanations (sorted like the subjects). */
  grants: Grant[];
}

/** Every subject some binding allows to make `request` (the inverse of `authorize`). */
export function whoCan(model: RbacModel, request: AccessRequest, options: WhoCanOptions = {}): WhoCanResult {
  const namespace = requestNamespace(request);
  let bindings: readonly BindingRecord[] = model.clusterRoleBindings;
  if (request.type === 'resource' && options.anyNamespace)
    bindings = [...bindings, ...model.roleBindingNamespaces().flatMap((ns) => model.roleBindingsIn(ns))];
  else if (namespace) bindings = [...bindings, ...model.roleBindingsIn(namespace)];
  // Bindings share roles: decide each role once.
  const decided = new Map<RoleRecord, number>();
  const subjects = new Map<string, Subject>();
  const grants: Grant[] = [];
  for (const binding of bindings) {
    const role = model.roleFor(binding);
    if (!role || binding.subjects.length === 0) continue;
    let index = decided.get(role);
    if (index === undefined) {
      index = model.rulesOf(role).findIndex((rule) => ruleAllows(rule, request));
      decided.set(role, index);
    }
    const rule = model.rulesOf(role)[index];
    if (index < 0 || !rule) continue;
    for (const written of binding.subjects) {
      const subject = effectiveSubject(written, binding.namespace ?? '');
      if (!subject) continue;
      const key = subjectRef(subject);
      if (!subjects.has(key)) subjects.set(key, subject);
      grants.push({ binding: nameOf(binding), role: nameOf(role), subject, ruleIndex: index, rule });
    }
  }
  const sorted = [...subjects.values()].sort(compareSubjects);
  grants.sort(
    (a, b) =>
      compareSubjects(a.subject, b.subject) ||
      cmp(a.binding.kind, b.binding.kind) ||
      cmp(a.binding.namespace ?? '', b.binding.namespace ?? '') ||
      cmp(a.binding.name, b.binding.name),
  );
  return { subjects: sorted, grants };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
