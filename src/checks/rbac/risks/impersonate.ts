// Spec: impersonate on users, groups, serviceaccounts, uids or userextras lets a subject act as someone else.
import type { SetCheck } from '../../check.js';
import { defineCheck } from '../../check.js';
import { capabilityViolations, describeRule, grantText, scopeText } from '../grants.js';

export const impersonate = defineCheck<SetCheck>({
  id: 'rbac.impersonate',
  severity: 'high',
  title: 'Subject can impersonate users, groups or service accounts',
  description:
    'Impersonation lets a subject act as another user, group or service account, including system:masters, and so take on every right they hold.',
  remediation:
    'Remove impersonate; where needed, limit it with resourceNames to specific low-privilege identities.',
  references: [
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
    'https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation',
  ],
  category: 'access',
  scope: 'set',
  evaluate(set) {
    return capabilityViolations(
      set,
      {
        verbs: ['impersonate'],
        resources: [
          { group: '', resource: 'users' },
          { group: '', resource: 'groups' },
          { group: '', resource: 'serviceaccounts' },
          { group: 'authentication.k8s.io', resource: 'uids' },
          { group: 'authentication.k8s.io', resource: 'userextras' },
        ],
        anyName: true,
      },
      (g, rule) => `${grantText(g)}: can impersonate ${scopeText(g)} (${describeRule(rule)})`,
    );
  },
});
