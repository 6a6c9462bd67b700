/*
 * Privileged Containers (baseline, v1.0+)
 * Privileged Pods disable most security mechanisms and must be disallowed.
 * Restricted fields: spec.{containers,initContainers,ephemeralContainers}[*].securityContext.privileged
 * Allowed values: undefined/nil, false
 */
import { ALLOWED, PSS_BASELINE_URL, definePssCheck } from './types.js';
import { containersPhrase, isNotFalse, podContainers } from './helpers.js';

export const privileged = definePssCheck({
  id: 'pss.privileged',
  level: 'baseline',
  upstreamId: 'privileged',
  meta: {
    severity: 'critical',
    title: 'Privileged container',
    description:
      'A privileged container gets every capability, all host devices and no seccomp or AppArmor confinement: ' +
      'escaping to the node is trivial.',
    remediation: 'Remove securityContext.privileged or set it to false on every container.',
    references: [PSS_BASELINE_URL],
    category: 'workloads',
  },
  versions: [
    {
      since: 'v1.0',
      evaluate: (_meta, spec) => {
        const bad = podContainers(spec).filter((c) => isNotFalse(c.securityContext?.['privileged']));
        if (bad.length === 0) return ALLOWED;
        return {
          allowed: false,
          reason: 'privileged',
          detail: `${containersPhrase(bad.map((c) => c.name))} must not set securityContext.privileged=true`,
          fields: bad.map((c) => `${c.path}.securityContext.privileged`),
        };
      },
    },
  ],
});
