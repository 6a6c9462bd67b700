// Spec: bind on roles or clusterroles lets a subject grant roles it does not hold.
import type { SetCheck } from '../../check.js';
import { defineCheck } from '../../check.js';
import { capabilityViolations, describeRule, grantText, scopeText } from '../grants.js';

export const bind = defineCheck<SetCheck>({
  id: 'rbac.bind',
  severity: 'high',
  title: 'Subject can bind any role',
  description:
    'The bind verb lets a subject create bindings to roles whose permissions it does not hold, granting them to itself or anyone.',
  remediation: 'Remove the bind verb, or limit it with resourceNames to the roles the subject may hand out.',
  references: [
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
    'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#restrictions-on-role-binding-creation-or-update',
  ],
  category: 'access',
  scope: 'set',
  evaluate(set) {
    return capabilityViolations(
      set,
      {
        verbs: ['bind'],
        resources: [
          { group: 'rbac.authorization.k8s.io', resource: 'roles' },
          { group: 'rbac.authorization.k8s.io', resource: 'clusterroles' },
        ],
        anyName: true,
      },
      (g, rule) => `${grantText(g)}: can bind roles it does not hold ${scopeText(g)} (${describeRule(rule)})`,
    );
  },
});
