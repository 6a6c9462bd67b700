/*
 * Running as Non-root user (restricted, v1.23+; not checked for user-namespace pods from v1.35)
 * Containers must not set runAsUser to 0.
 * Restricted fields: spec.securityContext.runAsUser,
 *   spec.{containers,initContainers,ephemeralContainers}[*].securityContext.runAsUser
 * Allowed values: any non-zero value, undefined/null
 * From v1.35, pods with spec.hostUsers: false are exempt.
 */
import { ALLOWED, PSS_RESTRICTED_URL, definePssCheck } from './types.js';
import type { PssEvaluate } from './types.js';
import { asInt, containersPhrase, isUserNamespacePod, podContainers, podSecurityContext } from './helpers.js';

const forbidRootUser: PssEvaluate = (_meta, spec) => {
  const setters: string[] = [];
  const fields: string[] = [];
  if (asInt(podSecurityContext(spec)?.['runAsUser']) === 0) {
    setters.push('pod');
    fields.push('securityContext.runAsUser');
  }
  const bad = podContainers(spec).filter((c) => asInt(c.securityContext?.['runAsUser']) === 0);
  if (bad.length > 0) setters.push(containersPhrase(bad.map((c) => c.name)));
  fields.push(...bad.map((c) => `${c.path}.securityContext.runAsUser`));
  if (setters.length === 0) return ALLOWED;
  return {
    allowed: false,
    reason: 'runAsUser=0',
    detail: `${setters.join(' and ')} must not set runAsUser=0`,
    fields,
  };
};

export const runAsUser = definePssCheck({
  id: 'pss.run-as-user',
  level: 'restricted',
  upstreamId: 'runAsUser',
  meta: {
    severity: 'medium',
    title: 'Container runs as UID 0',
    description:
      'runAsUser: 0 runs the container as root whatever the image says; root on the node is one escape away.',
    remediation: 'Set runAsUser to a non-zero UID (or leave it unset and rely on a non-root image user).',
    references: [PSS_RESTRICTED_URL],
    category: 'workloads',
  },
  versions: [
    { since: 'v1.23', evaluate: forbidRootUser },
    {
      since: 'v1.35',
      evaluate: (meta, spec) => (isUserNamespacePod(spec) ? ALLOWED : forbidRootUser(meta, spec)),
    },
  ],
});
