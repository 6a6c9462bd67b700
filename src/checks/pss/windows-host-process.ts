/*
 * HostProcess (baseline, v1.0+)
 * Windows Pods offer the ability to run HostProcess containers which enables privileged access to the Windows
 * host machine. Privileged access to the host is disallowed in the Baseline policy.
 * Restricted fields: spec.securityContext.windowsOptions.hostProcess,
 *   spec.{containers,initContainers,ephemeralContainers}[*].securityContext.windowsOptions.hostProcess
 * Allowed values: undefined/nil, false
 */
import { ALLOWED, PSS_BASELINE_URL, definePssCheck } from './types.js';
import { containersPhrase, isNotFalse, objectAt, podContainers, podSecurityContext } from './helpers.js';
import type { JsonObject } from '../../k8s/object.js';

function setsHostProcess(securityContext: JsonObject | undefined): boolean {
  return isNotFalse(objectAt(securityContext, 'windowsOptions')?.['hostProcess']);
}

export const windowsHostProcess = definePssCheck({
  id: 'pss.windows-host-process',
  level: 'baseline',
  upstreamId: 'windowsHostProcess',
  meta: {
    severity: 'critical',
    title: 'Windows HostProcess container',
    description:
      'A HostProcess container runs directly on the Windows node with host privileges, outside any container ' +
      'isolation.',
    remediation:
      'Remove securityContext.windowsOptions.hostProcess or set it to false at pod and container level.',
    references: [
      PSS_BASELINE_URL,
      'https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/',
    ],
    category: 'workloads',
  },
  versions: [
    {
      since: 'v1.0',
      evaluate: (_meta, spec) => {
        const setters: string[] = [];
        const fields: string[] = [];
        if (setsHostProcess(podSecurityContext(spec))) {
          setters.push('pod');
          fields.push('securityContext.windowsOptions.hostProcess');
        }
        const bad = podContainers(spec).filter((c) => setsHostProcess(c.securityContext));
        if (bad.length > 0) setters.push(containersPhrase(bad.map((c) => c.name)));
        fields.push(...bad.map((c) => `${c.path}.securityContext.windowsOptions.hostProcess`));
        if (setters.length === 0) return ALLOWED;
        return {
          allowed: false,
          reason: 'hostProcess',
          detail: `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`,
          fields,
        };
      },
    },
  ],
});
