/*
 * /proc Mount Type (restricted, v1.35+; replaces pss.proc-mount at the restricted level)
 * The default /proc masks are set up to reduce attack surface, and should be required by the restricted
 * profile, also for pods in a user namespace.
 * Restricted fields: spec.{containers,initContainers,ephemeralContainers}[*].securityContext.procMount
 * Allowed values: undefined/nil, Default
 * Before v1.35 the baseline check was strict for every pod, so restricted needed no check of its own.
 */
import { PSS_RESTRICTED_URL, definePssCheck } from './types.js';
import { procMount, strictProcMount } from './proc-mount.js';

export const procMountRestricted = definePssCheck({
  id: 'pss.proc-mount-restricted',
  level: 'restricted',
  upstreamId: 'procMount_restricted',
  meta: {
    severity: 'medium',
    title: 'Unmasked /proc mount (restricted)',
    description:
      'The restricted profile requires the default /proc masks even for pods in a user namespace, because an ' +
      'Unmasked /proc still exposes kernel interfaces that the masks hide.',
    remediation: 'Remove securityContext.procMount or set it to Default on every container.',
    references: [PSS_RESTRICTED_URL],
    category: 'workloads',
  },
  versions: [{ since: 'v1.35', overrides: [procMount.id], evaluate: strictProcMount }],
});
