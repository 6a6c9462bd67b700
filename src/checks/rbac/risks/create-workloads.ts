// Spec: creating pods, or any controller that creates them, in a namespace lets the creator run a pod as any
// service account of that namespace, so it holds the rights of all of them. The finding shows the
// escalation chains: subject -> can create pods in NS -> ServiceAccount NS/X -> what X can do.
import type { SetCheck } from '../../check.js';
import { defineCheck } from '../../check.js';
import { escalationChains, namespacesOf } from '../escalation.js';
import type { RbacViolation } from '../grants.js';
import {
  grantText,
  isSuperuser,
  isSystemSubject,
  onBinding,
  rbacModelOf,
  ruleGranting,
  scopeText,
  subjectGrants,
} from '../grants.js';
import { subjectRef } from '../user.js';

const WORKLOADS = [
  { group: '', resource: 'pods' },
  { group: '', resource: 'replicationcontrollers' },
  { group: 'apps', resource: 'deployments' },
  { group: 'apps', resource: 'statefulsets' },
  { group: 'apps', resource: 'daemonsets' },
  { group: 'apps', resource: 'replicasets' },
  { group: 'batch', resource: 'jobs' },
  { group: 'batch', resource: 'cronjobs' },
];
const SHOWN_CHAINS = 3;

export const createWorkloads = defineCheck<SetCheck>({
  id: 'rbac.create-workloads',
  severity: 'high',
  title: 'Subject can create pods or workloads',
  description:
    'Whoever can create a pod, Deployment, Job or other workload in a namespace can set its ' +
    "serviceAccountName to any service account there and act with that account's rights; it can also mount " +
    "any secret of the namespace. Rights of the namespace's service accounts are effectively its own.",
  remediation:
    'Grant workload creation to deployment pipelines rather than people, keep powerful service accounts in ' +
    'namespaces where few can create pods, and enforce Pod Security admission.',
  references: [
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
    'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#privilege-escalation-prevention-and-bootstrapping',
  ],
  category: 'access',
  scope: 'set',
  evaluate(set) {
    const model = rbacModelOf(set);
    const out: RbacViolation[] = [];
    for (const grant of subjectGrants(model)) {
      if (isSystemSubject(grant.subject) || isSuperuser(grant.rules)) continue;
      const rule = ruleGranting(grant.rules, { verbs: ['create'], resources: WORKLOADS });
      if (!rule) continue;
      const created = WORKLOADS.find((w) => ruleGranting([rule], { verbs: ['create'], resources: [w] }));
      const action = `create ${created?.resource ?? 'pods'}`;
      const namespaces = grant.namespace === undefined ? namespacesOf(set, model) : [grant.namespace];
      const chains = escalationChains(set, model, subjectRef(grant.subject), action, namespaces);
      const shown = chains.slice(0, SHOWN_CHAINS).map((c) => c.text);
      if (chains.length > SHOWN_CHAINS) shown.push(`(+${chains.length - SHOWN_CHAINS} more)`);
      out.push(
        onBinding(
          grant,
          `${grantText(grant)}: can ${action} ${scopeText(grant)} and so run as any service account there` +
            (shown.length > 0 ? `; escalation: ${shown.join('; ')}` : ''),
        ),
      );
    }
    return out;
  },
});
