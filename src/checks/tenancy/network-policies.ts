import type { K8sObject } from '../../k8s/object.js';
import { asArray, getPath, isObject } from '../../k8s/object.js';

export type PolicyDirection = 'Ingress' | 'Egress';

const RULES_FIELD: Record<PolicyDirection, string> = { Ingress: 'ingress', Egress: 'egress' };

/** An empty (or absent) podSelector selects every pod in the namespace. */
function selectsAllPods(policy: K8sObject): boolean {
  const selector = getPath(policy.raw, ['spec', 'podSelector']);
  if (selector === undefined || selector === null) return true;
  if (!isObject(selector)) return false;
  const labels = selector['matchLabels'];
  return (
    asArray(selector['matchExpressions']).length === 0 &&
    (!isObject(labels) || Object.keys(labels).length === 0)
  );
}

/**
 * The directions a policy governs. Without policyTypes, the API treats a policy as Ingress, plus Egress when
 * it has egress rules.
 */
function policyTypesOf(policy: K8sObject): PolicyDirection[] {
  const declared = getPath(policy.raw, ['spec', 'policyTypes']);
  if (Array.isArray(declared))
    return declared.filter((t): t is PolicyDirection => t === 'Ingress' || t === 'Egress');
  return asArray(getPath(policy.raw, ['spec', 'egress'])).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** A default-deny policy: selects every pod, governs the direction, and allows nothing in it. */
export function isDefaultDeny(policy: K8sObject, direction: PolicyDirection): boolean {
  return (
    policy.kind === 'NetworkPolicy' &&
    selectsAllPods(policy) &&
    policyTypesOf(policy).includes(direction) &&
    asArray(getPath(policy.raw, ['spec', RULES_FIELD[direction]])).length === 0
  );
}
