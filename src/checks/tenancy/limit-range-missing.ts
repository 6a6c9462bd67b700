// Spec: every namespace (except kube-system, kube-public, kube-node-lease) has a LimitRange.
import type { SetCheck } from '../check.js';
import { defineCheck } from '../check.js';
import { checkEachNamespace } from './namespaces.js';

export const limitRangeMissing = defineCheck<SetCheck>({
  id: 'tenancy.limit-range-missing',
  severity: 'low',
  title: 'Namespace has no LimitRange',
  description:
    'A LimitRange gives containers default requests and limits and caps their size. Without one, a container ' +
    'that forgets resources runs unbounded, and a quota on limits rejects it outright.',
  remediation:
    'Add a LimitRange of type Container with defaultRequest, default (limits) and max values suited to the ' +
    'namespace.',
  references: [
    'https://kubernetes.io/docs/concepts/policy/limit-range/',
    'https://learn.microsoft.com/azure/aks/operator-best-practices-scheduler',
  ],
  category: 'isolation',
  scope: 'set',
  evaluate(set) {
    return checkEachNamespace(set, (namespace, objects) =>
      objects.some((o) => o.kind === 'LimitRange') ? undefined : `namespace "${namespace}" has no LimitRange`,
    );
  },
});
