// Spec: create (and, before Kubernetes 1.30's WebSocket change, get) on pods/exec or pods/attach gives a
// shell in running containers, with their service account tokens, mounted secrets and network position.
import type { SetCheck } from '../../check.js';
import { defineCheck } from '../../check.js';
import { capabilityViolations, describeRule, grantText, scopeText } from '../grants.js';

export const podExec = defineCheck<SetCheck>({
  id: 'rbac.pod-exec',
  severity: 'high',
  title: 'Subject can exec into or attach to pods',
  description:
    'Exec and attach run commands inside containers: the subject gets whatever the pod has, its service ' +
    'account token, mounted secrets, cloud identity and network access.',
  remediation:
    'Remove pods/exec and pods/attach from roles used day to day; grant them just in time for debugging.',
  references: [
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
    'https://kubernetes.io/docs/reference/access-authn-authz/authorization/#determine-the-request-verb',
  ],
  category: 'access',
  scope: 'set',
  evaluate(set) {
    return capabilityViolations(
      set,
      {
        verbs: ['create', 'get'],
        resources: [
          { group: '', resource: 'pods/exec' },
          { group: '', resource: 'pods/attach' },
        ],
      },
      (g, rule) => `${grantText(g)}: can exec or attach to pods ${scopeText(g)} (${describeRule(rule)})`,
    );
  },
});
