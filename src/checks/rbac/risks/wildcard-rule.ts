// Spec: Roles and ClusterRoles outside the built-in ones list verbs, resources and API groups explicitly;
// a `*` also grants every verb and resource added to the API later (including CRDs).
import type { SetCheck } from '../../check.js';
import { defineCheck } from '../../check.js';
import type { RbacViolation } from '../grants.js';
import { isBuiltinRole, rbacModelOf } from '../grants.js';

const FIELDS = ['verbs', 'apiGroups', 'resources', 'nonResourceURLs'] as const;

export const wildcardRule = defineCheck<SetCheck>({
  id: 'rbac.wildcard-rule',
  severity: 'medium',
  title: 'Role uses a wildcard',
  description:
    'A "*" in verbs, resources or apiGroups grants more than anyone reviewed, now and in the future: new ' +
    'resources, subresources and custom resources are included as soon as they exist.',
  remediation: 'List the verbs, API groups and resources explicitly.',
  references: [
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
    'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-resources',
  ],
  category: 'access',
  scope: 'set',
  evaluate(set) {
    const out: RbacViolation[] = [];
    for (const role of rbacModelOf(set).roles) {
      if (isBuiltinRole(role) || role.aggregation) continue;
      role.ownRules.forEach((rule, index) => {
        const wild = FIELDS.filter((f) => rule[f].includes('*'));
        if (wild.length === 0) return;
        out.push({
          message: `${role.kind} "${role.name}" rule ${index} has "*" in ${wild.join(', ')}`,
          field: `rules[${index}].${wild[0]}`,
          object: role.object,
        });
      });
    }
    return out;
  },
});
