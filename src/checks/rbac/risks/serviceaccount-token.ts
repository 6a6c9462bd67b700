// Spec: create on serviceaccounts/token mints tokens for service accounts and so takes their rights.
import type { SetCheck } from '../../check.js';
import { defineCheck } from '../../check.js';
import { capabilityViolations, describeRule, grantText, scopeText } from '../grants.js';

export const serviceAccountToken = defineCheck<SetCheck>({
  id: 'rbac.serviceaccount-token',
  severity: 'high',
  title: 'Subject can create service account tokens',
  description:
    "Creating serviceaccounts/token mints a token for any service account in scope, giving the subject that account's rights.",
  remediation: 'Remove create on serviceaccounts/token except for the components that issue tokens.',
  references: [
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
    'https://kubernetes.io/docs/reference/kubernetes-api/authentication-resources/token-request-v1/',
  ],
  category: 'access',
  scope: 'set',
  evaluate(set) {
    return capabilityViolations(
      set,
      { verbs: ['create'], resources: [{ group: '', resource: 'serviceaccounts/token' }], anyName: true },
      (g, rule) => `${grantText(g)}: can mint service account tokens ${scopeText(g)} (${describeRule(rule)})`,
    );
  },
});
