/*
 * Host Namespaces (baseline, v1.0+)
 * Sharing the host namespaces must be disallowed.
 * Restricted fields: spec.hostNetwork, spec.hostPID, spec.hostIPC
 * Allowed values: undefined/nil, false
 */
import { ALLOWED, PSS_BASELINE_URL, definePssCheck } from './types.js';
import { isNotFalse, show } from './helpers.js';

const FIELDS = ['hostNetwork', 'hostPID', 'hostIPC'] as const;

export const hostNamespaces = definePssCheck({
  id: 'pss.host-namespaces',
  level: 'baseline',
  upstreamId: 'hostNamespaces',
  meta: {
    severity: 'high',
    title: 'Pod shares host namespaces',
    description:
      'A pod in the host network, PID or IPC namespace can sniff node traffic, reach services bound to localhost, ' +
      "see and signal every process on the node, and read other workloads' shared memory.",
    remediation: 'Remove spec.hostNetwork, spec.hostPID and spec.hostIPC, or set them to false.',
    references: [PSS_BASELINE_URL],
    category: 'workloads',
  },
  versions: [
    {
      since: 'v1.0',
      evaluate: (_meta, spec) => {
        const bad = FIELDS.filter((field) => isNotFalse(spec[field]));
        if (bad.length === 0) return ALLOWED;
        return {
          allowed: false,
          reason: 'host namespaces',
          detail: bad.map((field) => `${field}=${show(spec[field])}`).join(', '),
          fields: [...bad],
        };
      },
    },
  ],
});
