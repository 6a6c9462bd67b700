// What each binding grants to each subject, with the classification risk checks share: which subjects are
// the system's own (excluded from most findings) and which are "everyone" groups (never excluded).
import type { ManifestSet } from '../../k8s/manifest-set.js';
import type { K8sObject } from '../../k8s/object.js';
import type { BindingRecord, PolicyRule, RbacModel, RoleRecord, Subject } from './model.js';
import { buildRbacModel } from './model.js';
import { apiGroupMatches, resourceMatches, verbMatches } from './rule-match.js';
import {
  ANONYMOUS,
  AUTHENTICATED,
  UNAUTHENTICATED,
  ALL_SERVICE_ACCOUNTS,
  effectiveSubject,
  subjectRef,
} from './user.js';

export interface SubjectGrant {
  binding: BindingRecord;
  role: RoleRecord;
  /** Effective subject (ServiceAccount namespace defaulted to the RoleBinding's). */
  subject: Subject;
  /** Index in the binding's `subjects`, for the finding field. */
  subjectIndex: number;
  /** Namespace the grant is limited to; undefined for ClusterRoleBindings (every namespace and cluster scope). */
  namespace?: string;
  rules: readonly PolicyRule[];
}

const models = new WeakMap<ManifestSet, RbacModel>();

/** One model per scanned set, shared by every RBAC check of the run. */
export function rbacModelOf(set: ManifestSet): RbacModel {
  let model = models.get(set);
  if (!model) {
    model = buildRbacModel(set.objects);
    models.set(set, model);
  }
  return model;
}

/** Groups that stand for every user, every unauthenticated caller or every service account. */
export function isBroadSubject(subject: Subject): boolean {
  if (subject.kind === 'User') return subject.name === ANONYMOUS;
  if (subject.kind !== 'Group') return false;
  return (
    subject.name === AUTHENTICATED ||
    subject.name === UNAUTHENTICATED ||
    subject.name === ALL_SERVICE_ACCOUNTS ||
    subject.name.startsWith(`${ALL_SERVICE_ACCOUNTS}:`)
  );
}

export function isAnonymousSubject(subject: Subject): boolean {
  return (
    (subject.kind === 'User' && subject.name === ANONYMOUS) ||
    (subject.kind === 'Group' && subject.name === UNAUTHENTICATED)
  );
}

/**
 * The control plane's own identities: `system:` users and groups (nodes, controllers, masters) and service
 * accounts in kube-system. The "everyone" groups are not system subjects: granting them power is a finding.
 */
export function isSystemSubject(subject: Subject): boolean {
  if (isBroadSubject(subject)) return false;
  if (subject.kind === 'ServiceAccount') return subject.namespace === 'kube-system';
  return subject.name.startsWith('system:');
}

/** Roles shipped by Kubernetes itself (bootstrap policy) or named as the system's. */
export function isBuiltinRole(role: RoleRecord): boolean {
  return role.labels['kubernetes.io/bootstrapping'] === 'rbac-defaults' || role.name.startsWith('system:');
}

/** Every (binding, subject) pair whose role exists, in model order. */
export function subjectGrants(model: RbacModel): SubjectGrant[] {
  const out: SubjectGrant[] = [];
  for (const binding of model.bindings) {
    const role = model.roleFor(binding);
    if (!role) continue;
    const rules = model.rulesOf(role);
    for (const written of binding.subjects) {
      const subject = effectiveSubject(written, binding.namespace ?? '');
      if (!subject) continue;
      out.push({
        binding,
        role,
        subject,
        subjectIndex: written.index,
        ...(binding.namespace !== undefined ? { namespace: binding.namespace } : {}),
        rules,
      });
    }
  }
  return out;
}

/** A capability a risk check looks for: any of the verbs on any of the (group, resource) pairs. */
export interface Capability {
  verbs: readonly string[];
  resources: readonly { group: string; resource: string }[];
  /** Count rules limited by resourceNames too (e.g. impersonating one named user is still impersonation). */
  anyName?: boolean;
}

/** The first rule granting the capability, or undefined. Same matching as the authorizer. */
export function ruleGranting(rules: readonly PolicyRule[], capability: Capability): PolicyRule | undefined {
  return rules.find(
    (rule) =>
      (capability.anyName || rule.resourceNames.length === 0) &&
      capability.verbs.some((verb) => verbMatches(rule, verb)) &&
      capability.resources.some(({ group, resource }) => {
        const slash = resource.indexOf('/');
        const sub = slash < 0 ? '' : resource.slice(slash + 1);
        return apiGroupMatches(rule, group) && resourceMatches(rule, resource, sub);
      }),
  );
}

/** Rules that grant everything (`*` verbs on `*` resources of `*` groups): cluster-admin or its equal. */
export function isSuperuser(rules: readonly PolicyRule[]): boolean {
  return rules.some(
    (r) =>
      r.verbs.includes('*') &&
      r.apiGroups.includes('*') &&
      r.resources.includes('*') &&
      r.resourceNames.length === 0,
  );
}

export function describeRule(rule: PolicyRule): string {
  if (rule.nonResourceURLs.length > 0) return `${rule.verbs.join(',')} on ${rule.nonResourceURLs.join(',')}`;
  const groups = rule.apiGroups.map((g) => (g === '' ? 'core' : g)).join(',');
  const names = rule.resourceNames.length > 0 ? ` named ${rule.resourceNames.join(',')}` : '';
  return `${rule.verbs.join(',')} on ${rule.resources.join(',')} (${groups})${names}`;
}

export function scopeText(grant: Pick<SubjectGrant, 'namespace'>): string {
  return grant.namespace === undefined ? 'cluster-wide' : `in namespace ${grant.namespace}`;
}

export function grantText(grant: SubjectGrant): string {
  return `${grant.binding.kind} "${grant.binding.name}" grants ${grant.role.kind} "${grant.role.name}" to ${subjectRef(grant.subject)}`;
}

export type RbacViolation = { message: string; field?: string; object: K8sObject };

/** Violation on the binding, pointing at the subject that receives the grant. */
export function onBinding(grant: SubjectGrant, message: string): RbacViolation {
  return { message, field: `subjects[${grant.subjectIndex}]`, object: grant.binding.object };
}

/**
 * The shared shape of "this non-system subject holds a dangerous capability" checks. Superuser grants are
 * left to rbac.cluster-admin-binding so one grant does not produce a dozen findings.
 */
export function capabilityViolations(
  set: ManifestSet,
  capability: Capability,
  describe: (grant: SubjectGrant, rule: PolicyRule) => string,
  options: { clusterWideOnly?: boolean } = {},
): RbacViolation[] {
  const out: RbacViolation[] = [];
  for (const grant of subjectGrants(rbacModelOf(set))) {
    if (isSystemSubject(grant.subject) || isSuperuser(grant.rules)) continue;
    if (options.clusterWideOnly && grant.namespace !== undefined) continue;
    const rule = ruleGranting(grant.rules, capability);
    if (rule) out.push(onBinding(grant, describe(grant, rule)));
  }
  return out;
}
