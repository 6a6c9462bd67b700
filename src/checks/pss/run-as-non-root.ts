/*
 * Running as Non-root (restricted, v1.0+; not checked for user-namespace pods from v1.35)
 * Containers must be required to run as non-root users.
 * Restricted fields: spec.securityContext.runAsNonRoot,
 *   spec.{containers,initContainers,ephemeralContainers}[*].securityContext.runAsNonRoot
 * Allowed values: true. The container fields may be undefined/nil if the pod-level
 *   spec.securityContext.runAsNonRoot is set to true.
 * From v1.35, pods with spec.hostUsers: false are exempt (root in a user namespace is not root on the node).
 */
import { ALLOWED, PSS_RESTRICTED_URL, definePssCheck } from './types.js';
import type { PssEvaluate } from './types.js';
import {
  asBool,
  containersPhrase,
  isSet,
  isUserNamespacePod,
  podContainers,
  podSecurityContext,
} from './helpers.js';

const requireNonRoot: PssEvaluate = (_meta, spec) => {
  const setters: string[] = [];
  const fields: string[] = [];
  const podValue = podSecurityContext(spec)?.['runAsNonRoot'];
  const podNonRoot = asBool(podValue) === true;
  if (isSet(podValue) && !podNonRoot) {
    setters.push('pod');
    fields.push('securityContext.runAsNonRoot');
  }
  const explicit: string[] = [];
  const implicit: string[] = [];
  const implicitFields: string[] = [];
  for (const c of podContainers(spec)) {
    const value = c.securityContext?.['runAsNonRoot'];
    const field = `${c.path}.securityContext.runAsNonRoot`;
    if (isSet(value)) {
      if (asBool(value) !== true) {
        explicit.push(c.name);
        fields.push(field);
      }
    } else if (!podNonRoot) {
      implicit.push(c.name);
      implicitFields.push(field);
    }
  }
  if (explicit.length > 0) setters.push(containersPhrase(explicit));
  if (setters.length > 0) {
    return {
      allowed: false,
      reason: 'runAsNonRoot != true',
      detail: `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false`,
      fields: [...fields, ...implicitFields],
    };
  }
  if (implicit.length > 0) {
    return {
      allowed: false,
      reason: 'runAsNonRoot != true',
      detail: `pod or ${containersPhrase(implicit)} must set securityContext.runAsNonRoot=true`,
      fields: ['securityContext.runAsNonRoot', ...implicitFields],
    };
  }
  return ALLOWED;
};

export const runAsNonRoot = definePssCheck({
  id: 'pss.run-as-non-root',
  level: 'restricted',
  upstreamId: 'runAsNonRoot',
  meta: {
    severity: 'medium',
    title: 'Container may run as root',
    description:
      'Without runAsNonRoot: true the kubelet starts images whose user is root, so any container escape or ' +
      'writable host mount is exercised with root privileges.',
    remediation:
      'Set spec.securityContext.runAsNonRoot: true (or on every container) and use an image with a non-root ' +
      'user, or run the pod in a user namespace (spec.hostUsers: false).',
    references: [PSS_RESTRICTED_URL, 'https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/'],
    category: 'workloads',
  },
  versions: [
    { since: 'v1.0', evaluate: requireNonRoot },
    {
      since: 'v1.35',
      evaluate: (meta, spec) => (isUserNamespacePod(spec) ? ALLOWED : requireNonRoot(meta, spec)),
    },
  ],
});
