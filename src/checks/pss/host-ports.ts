/*
 * Host Ports (baseline, v1.0+)
 * HostPorts should be disallowed entirely (recommended) or restricted to a known list
 * (a known list is not supported by the built-in Pod Security Admission controller).
 * Restricted fields: spec.{containers,initContainers,ephemeralContainers}[*].ports[*].hostPort
 * Allowed values: undefined/nil, 0
 */
import { ALLOWED, PSS_BASELINE_URL, definePssCheck } from './types.js';
import { asInt, containersPhrase, isSet, plural, podContainers, show, uniqueSorted } from './helpers.js';
import { isObject } from '../../k8s/object.js';

export const hostPorts = definePssCheck({
  id: 'pss.host-ports',
  level: 'baseline',
  upstreamId: 'hostPorts',
  meta: {
    severity: 'medium',
    title: 'Container binds a host port',
    description:
      "A hostPort binds directly on the node's network interfaces, bypassing network policies and exposing " +
      'the workload outside the cluster network; it also ties the pod to nodes where the port is free.',
    remediation: 'Remove ports[*].hostPort (or set it to 0) and expose the pod through a Service instead.',
    references: [PSS_BASELINE_URL],
    category: 'workloads',
  },
  versions: [
    {
      since: 'v1.0',
      evaluate: (_meta, spec) => {
        const badContainers: string[] = [];
        const ports: string[] = [];
        const fields: string[] = [];
        for (const c of podContainers(spec)) {
          const list = c.container['ports'];
          if (!Array.isArray(list)) continue;
          let bad = false;
          list.forEach((port: unknown, i) => {
            const hostPort = isObject(port) ? port['hostPort'] : undefined;
            if (!isSet(hostPort) || asInt(hostPort) === 0) return;
            bad = true;
            ports.push(show(hostPort));
            fields.push(`${c.path}.ports[${i}].hostPort`);
          });
          if (bad) badContainers.push(c.name);
        }
        if (badContainers.length === 0) return ALLOWED;
        const shown = uniqueSorted(ports);
        return {
          allowed: false,
          reason: 'hostPort',
          detail: `${containersPhrase(badContainers)} ${plural(badContainers.length, 'uses', 'use')} ${plural(shown.length, 'hostPort', 'hostPorts')} ${shown.join(', ')}`,
          fields,
        };
      },
    },
  ],
});
