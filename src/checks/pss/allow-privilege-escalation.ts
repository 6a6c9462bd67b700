/*
 * Privilege Escalation (restricted, v1.8+; Linux only from v1.25)
 * Privilege escalation (such as via set-user-ID or set-group-ID file mode) should not be allowed.
 * Restricted fields: spec.{containers,initContainers,ephemeralContainers}[*].securityContext.allowPrivilegeEscalation
 * Allowed values: false
 * From v1.25, pods with spec.os.name: windows are exempt.
 */
import { ALLOWED, PSS_RESTRICTED_URL, definePssCheck } from './types.js';
import type { PssEvaluate } from './types.js';
import { asBool, containersPhrase, isWindowsPod, podContainers } from './helpers.js';

const requireNoEscalation: PssEvaluate = (_meta, spec) => {
  const bad = podContainers(spec).filter(
    (c) => asBool(c.securityContext?.['allowPrivilegeEscalation']) !== false,
  );
  if (bad.length === 0) return ALLOWED;
  return {
    allowed: false,
    reason: 'allowPrivilegeEscalation != false',
    detail: `${containersPhrase(bad.map((c) => c.name))} must set securityContext.allowPrivilegeEscalation=false`,
    fields: bad.map((c) => `${c.path}.securityContext.allowPrivilegeEscalation`),
  };
};

export const allowPrivilegeEscalation = definePssCheck({
  id: 'pss.allow-privilege-escalation',
  level: 'restricted',
  upstreamId: 'allowPrivilegeEscalation',
  meta: {
    severity: 'medium',
    title: 'Privilege escalation allowed',
    description:
      'Unless allowPrivilegeEscalation is false, a process can gain more privileges than its parent through ' +
      'set-user-ID or set-group-ID binaries or file capabilities (no_new_privs is not set).',
    remediation: 'Set securityContext.allowPrivilegeEscalation: false on every container.',
    references: [PSS_RESTRICTED_URL],
    category: 'workloads',
  },
  versions: [
    { since: 'v1.8', evaluate: requireNoEscalation },
    {
      since: 'v1.25',
      evaluate: (meta, spec) => (isWindowsPod(spec) ? ALLOWED : requireNoEscalation(meta, spec)),
    },
  ],
});
