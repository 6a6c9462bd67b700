// Spec: get, list or watch on secrets through a ClusterRoleBinding is reading every secret of every
// namespace (list and watch return the values too), including service account tokens and kube-system keys.
import type { SetCheck } from '../../check.js';
import { defineCheck } from '../../check.js';
import { capabilityViolations, describeRule, grantText } from '../grants.js';

export const secretsReadClusterWide = defineCheck<SetCheck>({
  id: 'rbac.secrets-read-cluster-wide',
  severity: 'high',
  title: 'Subject can read secrets in every namespace',
  description:
    'Reading secrets cluster-wide exposes every credential in the cluster, including tokens of powerful ' +
    'service accounts, so it is equivalent to their rights. list and watch return secret values just like get.',
  remediation:
    'Grant secret access with RoleBindings in the namespaces that need it, limited by resourceNames where possible.',
  references: [
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
    'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
  ],
  category: 'access',
  scope: 'set',
  evaluate(set) {
    return capabilityViolations(
      set,
      { verbs: ['get', 'list', 'watch'], resources: [{ group: '', resource: 'secrets' }] },
      (g, rule) => `${grantText(g)}: can read secrets cluster-wide (${describeRule(rule)})`,
      { clusterWideOnly: true },
    );
  },
});
