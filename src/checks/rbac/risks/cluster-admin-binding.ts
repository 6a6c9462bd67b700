// Spec: no subject outside the control plane holds cluster-admin or an equal role (`*` verbs on `*`
// resources of `*` API groups). System subjects (`system:` users and groups, kube-system service
// accounts) are excluded; the all-users groups are not.
import type { SetCheck } from '../../check.js';
import { defineCheck } from '../../check.js';
import {
  grantText,
  isSuperuser,
  isSystemSubject,
  onBinding,
  rbacModelOf,
  scopeText,
  subjectGrants,
} from '../grants.js';

export const clusterAdminBinding = defineCheck<SetCheck>({
  id: 'rbac.cluster-admin-binding',
  severity: 'critical',
  title: 'cluster-admin (or an equal role) granted beyond the system',
  description:
    'A subject with every verb on every resource controls the whole cluster: it can read every secret, run ' +
    'privileged pods on any node and grant itself anything. A RoleBinding to it gives the same power over ' +
    'everything in the namespace.',
  remediation:
    'Bind a role that lists only the resources and verbs the subject needs; keep cluster-admin for break-glass ' +
    'accounts that are not used day to day.',
  references: [
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
    'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles',
  ],
  category: 'access',
  scope: 'set',
  evaluate(set) {
    return subjectGrants(rbacModelOf(set))
      .filter((g) => !isSystemSubject(g.subject) && isSuperuser(g.rules))
      .map((g) => onBinding(g, `${grantText(g)}: every verb on every resource ${scopeText(g)}`));
  },
});
