// Spec: the `default` service account of a namespace (outside kube-system) is bound to no role. Every pod
// that names no service account runs as it, so its rights go to every such pod.
import type { SetCheck } from '../../check.js';
import { defineCheck } from '../../check.js';
import {
  describeRule,
  grantText,
  isSystemSubject,
  onBinding,
  rbacModelOf,
  scopeText,
  subjectGrants,
} from '../grants.js';

export const defaultServiceAccountRights = defineCheck<SetCheck>({
  id: 'rbac.default-service-account-rights',
  severity: 'medium',
  title: 'Default service account has rights',
  description:
    "Pods that set no serviceAccountName run as the namespace's default service account, so a right granted " +
    'to it goes to every such pod, including ones deployed later by anyone who can create pods there.',
  remediation:
    'Bind the role to a dedicated service account and set serviceAccountName on the workloads that need it.',
  references: [
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
    'https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts',
  ],
  category: 'access',
  scope: 'set',
  evaluate(set) {
    return subjectGrants(rbacModelOf(set)).flatMap((g) => {
      if (g.subject.kind !== 'ServiceAccount' || g.subject.name !== 'default' || isSystemSubject(g.subject))
        return [];
      const first = g.rules.find((r) => r.verbs.length > 0);
      if (!first) return [];
      return [
        onBinding(
          g,
          `${grantText(g)}: the default service account can ${describeRule(first)} ${scopeText(g)}`,
        ),
      ];
    });
  },
});
