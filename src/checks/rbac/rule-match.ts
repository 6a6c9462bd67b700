// Rule matching, line for line the semantics of kubernetes/plugin/pkg/auth/authorizer/rbac/rbac.go
// (RuleAllows) and pkg/apis/rbac/v1/evaluation_helpers.go. Matching is exact and case-sensitive.
import type { PolicyRule } from './model.js';
import type { AccessRequest } from './request.js';

const ALL = '*';

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((v) => v === ALL || v === verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return rule.apiGroups.some((g) => g === ALL || g === group);
}

/**
 * `*` matches every resource and subresource; `pods/exec` matches only that pair; `* /scale` (written
 * without the space) matches the `scale` subresource of any resource, never a plain resource.
 */
export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  for (const r of rule.resources) {
    if (r === ALL || r === combined) return true;
    if (!subresource) continue;
    if (r.length === subresource.length + 2 && r.startsWith('*/') && r.endsWith(subresource)) return true;
  }
  return false;
}

/** No resourceNames means any name; with resourceNames a request without a name (list, create) never matches. */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  if (rule.resourceNames.length === 0) return true;
  return rule.resourceNames.includes(name);
}

/** `*` matches every path; a trailing `*` is a prefix match (`/apis/*` matches `/apis/apps`). */
export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs) {
    if (u === ALL || u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.slice(0, -1))) return true;
  }
  return false;
}

export function ruleAllows(rule: PolicyRule, request: AccessRequest): boolean {
  if (request.type === 'nonResource')
    return verbMatches(rule, request.verb) && nonResourceURLMatches(rule, request.path);
  const sub = request.subresource ?? '';
  const combined = sub ? `${request.resource}/${sub}` : request.resource;
  return (
    verbMatches(rule, request.verb) &&
    apiGroupMatches(rule, request.apiGroup) &&
    resourceMatches(rule, combined, sub) &&
    resourceNameMatches(rule, request.name ?? '')
  );
}
