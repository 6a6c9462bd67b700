// Spec: write access to validating or mutating webhook configurations disables or subverts admission control.
import type { SetCheck } from '../../check.js';
import { defineCheck } from '../../check.js';
import { capabilityViolations, describeRule, grantText, scopeText } from '../grants.js';

export const webhookConfigWrite = defineCheck<SetCheck>({
  id: 'rbac.webhook-config-write',
  severity: 'high',
  title: 'Subject can edit admission webhook configurations',
  description:
    'Whoever edits validating or mutating webhook configurations can disable admission controls or send every object (secrets included) to a webhook of their choice, and mutate pods as they are created.',
  remediation: 'Limit writes to webhook configurations to the operators that install them.',
  references: [
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
    'https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/',
  ],
  category: 'access',
  scope: 'set',
  evaluate(set) {
    return capabilityViolations(
      set,
      {
        verbs: ['create', 'update', 'patch', 'delete', 'deletecollection'],
        resources: [
          { group: 'admissionregistration.k8s.io', resource: 'validatingwebhookconfigurations' },
          { group: 'admissionregistration.k8s.io', resource: 'mutatingwebhookconfigurations' },
        ],
        anyName: true,
      },
      (g, rule) =>
        `${grantText(g)}: can edit admission webhook configurations ${scopeText(g)} (${describeRule(rule)})`,
      { clusterWideOnly: true },
    );
  },
});
