// Spec: escalate on roles or clusterroles lets a subject write roles with rights it does not hold.
import type { SetCheck } from '../../check.js';
import { defineCheck } from '../../check.js';
import { capabilityViolations, describeRule, grantText, scopeText } from '../grants.js';

export const escalate = defineCheck<SetCheck>({
  id: 'rbac.escalate',
  severity: 'high',
  title: 'Subject can escalate roles',
  description:
    'The escalate verb lets a subject create or edit roles with permissions it does not hold itself, bypassing the RBAC rule that prevents privilege escalation.',
  remediation: 'Remove the escalate verb; only the control plane (the aggregation controller) needs it.',
  references: [
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
    'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#restrictions-on-role-creation-or-update',
  ],
  category: 'access',
  scope: 'set',
  evaluate(set) {
    return capabilityViolations(
      set,
      {
        verbs: ['escalate'],
        resources: [
          { group: 'rbac.authorization.k8s.io', resource: 'roles' },
          { group: 'rbac.authorization.k8s.io', resource: 'clusterroles' },
        ],
        anyName: true,
      },
      (g, rule) => `${grantText(g)}: can escalate roles ${scopeText(g)} (${describeRule(rule)})`,
    );
  },
});
