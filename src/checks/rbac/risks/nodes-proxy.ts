// Spec: any verb on nodes/proxy reaches the kubelet API, which runs commands in any pod on the node.
import type { SetCheck } from '../../check.js';
import { defineCheck } from '../../check.js';
import { capabilityViolations, describeRule, grantText, scopeText } from '../grants.js';

export const nodesProxy = defineCheck<SetCheck>({
  id: 'rbac.nodes-proxy',
  severity: 'high',
  title: 'Subject can proxy to the kubelet API (nodes/proxy)',
  description:
    'nodes/proxy reaches the kubelet API directly: it can run commands in any pod on the node, bypassing admission control and audit logging of exec.',
  remediation:
    'Remove nodes/proxy; monitoring agents should read metrics through nodes/metrics or the metrics API instead.',
  references: [
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
    'https://kubernetes.io/docs/reference/access-authn-authz/kubelet-authn-authz/',
  ],
  category: 'access',
  scope: 'set',
  evaluate(set) {
    return capabilityViolations(
      set,
      {
        verbs: ['get', 'create', 'update', 'patch', 'delete'],
        resources: [{ group: '', resource: 'nodes/proxy' }],
        anyName: true,
      },
      (g, rule) => `${grantText(g)}: can proxy to kubelets ${scopeText(g)} (${describeRule(rule)})`,
    );
  },
});
