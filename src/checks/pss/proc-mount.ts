/*
 * /proc Mount Type (baseline, v1.0+; relaxed for user-namespace pods from v1.35)
 * The default /proc masks are set up to reduce attack surface, and should be required.
 * Restricted fields: spec.{containers,initContainers,ephemeralContainers}[*].securityContext.procMount
 * Allowed values: undefined/nil, Default
 * From v1.35, any value is allowed when the pod runs in a user namespace (spec.hostUsers: false); the
 * restricted level keeps the strict rule through pss.proc-mount-restricted.
 */
import { ALLOWED, PSS_BASELINE_URL, definePssCheck } from './types.js';
import type { PssEvaluate } from './types.js';
import {
  containersPhrase,
  isSet,
  isUserNamespacePod,
  podContainers,
  quoteList,
  show,
  uniqueSorted,
} from './helpers.js';

/** Unmasked (or any non-Default) procMount is forbidden, whatever the pod's user namespace. */
export const strictProcMount: PssEvaluate = (_meta, spec) => {
  const bad = podContainers(spec).filter((c) => {
    const value = c.securityContext?.['procMount'];
    return isSet(value) && value !== 'Default';
  });
  if (bad.length === 0) return ALLOWED;
  const values = uniqueSorted(bad.map((c) => show(c.securityContext?.['procMount'])));
  return {
    allowed: false,
    reason: 'procMount',
    detail: `${containersPhrase(bad.map((c) => c.name))} must not set securityContext.procMount to ${quoteList(values)}`,
    fields: bad.map((c) => `${c.path}.securityContext.procMount`),
  };
};

export const procMount = definePssCheck({
  id: 'pss.proc-mount',
  level: 'baseline',
  upstreamId: 'procMount',
  meta: {
    severity: 'medium',
    title: 'Unmasked /proc mount',
    description:
      'An Unmasked /proc exposes kernel interfaces (/proc/sys, /proc/sysrq-trigger, ...) that the default masks ' +
      'hide, widening the attack surface for container escape.',
    remediation:
      'Remove securityContext.procMount or set it to Default; only pods with spec.hostUsers: false may ' +
      'use Unmasked under baseline (v1.35+).',
    references: [PSS_BASELINE_URL],
    category: 'workloads',
  },
  versions: [
    { since: 'v1.0', evaluate: strictProcMount },
    {
      since: 'v1.35',
      evaluate: (meta, spec) => (isUserNamespacePod(spec) ? ALLOWED : strictProcMount(meta, spec)),
    },
  ],
});
