/*
 * Seccomp (restricted, v1.19+; Linux only from v1.25; replaces pss.seccomp-profile-baseline at restricted)
 * Seccomp profile must be explicitly set to one of the allowed values. Both the Unconfined profile and the
 * absence of a profile are prohibited.
 * Restricted fields: spec.securityContext.seccompProfile.type,
 *   spec.{containers,initContainers,ephemeralContainers}[*].securityContext.seccompProfile.type
 * Allowed values: RuntimeDefault, Localhost. The container fields may be undefined/nil if the pod-level field
 *   is set appropriately; the pod-level field may be undefined/nil if all container-level fields are set.
 * From v1.25, pods with spec.os.name: windows are exempt.
 */
import { ALLOWED, PSS_RESTRICTED_URL, definePssCheck } from './types.js';
import type { PssEvaluate } from './types.js';
import { containersPhrase, isWindowsPod, podContainers, podSecurityContext } from './helpers.js';
import {
  explicitSeccompViolations,
  seccompProfileBaseline,
  seccompTypeOf,
} from './seccomp-profile-baseline.js';

const requireSeccomp: PssEvaluate = (_meta, spec) => {
  const explicit = explicitSeccompViolations(spec);
  const pod = seccompTypeOf(podSecurityContext(spec));
  const podValid = pod?.valid === true;
  const implicit = podContainers(spec).filter(
    (c) => !podValid && seccompTypeOf(c.securityContext) === undefined,
  );
  const implicitFields = implicit.map((c) => `${c.path}.securityContext.seccompProfile.type`);
  if (!explicit.allowed) return { ...explicit, fields: [...(explicit.fields ?? []), ...implicitFields] };
  if (implicit.length === 0) return ALLOWED;
  return {
    allowed: false,
    reason: 'seccompProfile',
    detail: `pod or ${containersPhrase(implicit.map((c) => c.name))} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
    fields: ['securityContext.seccompProfile.type', ...implicitFields],
  };
};

export const seccompProfileRestricted = definePssCheck({
  id: 'pss.seccomp-profile-restricted',
  level: 'restricted',
  upstreamId: 'seccompProfile_restricted',
  meta: {
    severity: 'medium',
    title: 'Seccomp profile not set',
    description:
      'Without an explicit RuntimeDefault or Localhost seccomp profile, containers may run unconfined and can ' +
      'call every system call, including those used by kernel exploits.',
    remediation:
      'Set spec.securityContext.seccompProfile.type: RuntimeDefault (or Localhost), or set it on every container.',
    references: [PSS_RESTRICTED_URL, 'https://kubernetes.io/docs/tutorials/security/seccomp/'],
    category: 'workloads',
  },
  versions: [
    { since: 'v1.19', overrides: [seccompProfileBaseline.id], evaluate: requireSeccomp },
    {
      since: 'v1.25',
      overrides: [seccompProfileBaseline.id],
      evaluate: (meta, spec) => (isWindowsPod(spec) ? ALLOWED : requireSeccomp(meta, spec)),
    },
  ],
});
