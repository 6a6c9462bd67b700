// Spec: nothing is granted to system:anonymous or system:unauthenticated beyond the built-in public
// information (get on /healthz, /livez, /readyz, /version), which unauthenticated callers receive by default.
import type { SetCheck } from '../../check.js';
import type { PolicyRule } from '../model.js';
import { defineCheck } from '../../check.js';
import {
  describeRule,
  grantText,
  isAnonymousSubject,
  onBinding,
  rbacModelOf,
  scopeText,
  subjectGrants,
} from '../grants.js';

const PUBLIC_INFO = new Set(['/healthz', '/livez', '/readyz', '/version', '/version/']);

function isPublicInfo(rule: PolicyRule): boolean {
  return (
    rule.resources.length === 0 &&
    rule.nonResourceURLs.every((u) => PUBLIC_INFO.has(u)) &&
    rule.verbs.every((v) => v === 'get')
  );
}

export const anonymousBinding = defineCheck<SetCheck>({
  id: 'rbac.anonymous-binding',
  severity: 'critical',
  title: 'Rights granted to anonymous or unauthenticated users',
  description:
    'Anyone who can reach the API server, without credentials, gets what is bound to system:anonymous or ' +
    'system:unauthenticated. Public API servers are scanned for exactly this.',
  remediation:
    'Delete the binding or replace the subject with authenticated identities; consider disabling anonymous auth.',
  references: [
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
    'https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests',
  ],
  category: 'access',
  scope: 'set',
  evaluate(set) {
    return subjectGrants(rbacModelOf(set)).flatMap((g) => {
      if (!isAnonymousSubject(g.subject)) return [];
      const extra = g.rules.filter((r) => !isPublicInfo(r) && r.verbs.length > 0);
      const first = extra[0];
      if (!first) return [];
      return [
        onBinding(g, `${grantText(g)}: unauthenticated callers get ${describeRule(first)} ${scopeText(g)}`),
      ];
    });
  },
});
