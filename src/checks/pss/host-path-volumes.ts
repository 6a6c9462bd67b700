/*
 * HostPath Volumes (baseline, v1.0+)
 * HostPath volumes must be forbidden.
 * Restricted fields: spec.volumes[*].hostPath
 * Allowed values: undefined/nil
 */
import { ALLOWED, PSS_BASELINE_URL, definePssCheck } from './types.js';
import { isSet, nameOf, plural, quoteList } from './helpers.js';
import { isObject } from '../../k8s/object.js';

export const hostPathVolumes = definePssCheck({
  id: 'pss.host-path-volumes',
  level: 'baseline',
  upstreamId: 'hostPathVolumes',
  meta: {
    severity: 'high',
    title: 'Pod mounts a hostPath volume',
    description:
      "A hostPath volume exposes the node's filesystem: the container runtime socket, kubelet credentials " +
      'or /etc can be read or written, which is a direct path to node compromise.',
    remediation:
      'Replace hostPath volumes with emptyDir, configMap, secret, projected or persistent volumes.',
    references: [PSS_BASELINE_URL],
    category: 'workloads',
  },
  versions: [
    {
      since: 'v1.0',
      evaluate: (_meta, spec) => {
        const volumes = spec['volumes'];
        if (!Array.isArray(volumes)) return ALLOWED;
        const names: string[] = [];
        const fields: string[] = [];
        volumes.forEach((volume: unknown, i) => {
          if (!isObject(volume) || !isSet(volume['hostPath'])) return;
          names.push(nameOf(volume, `volumes[${i}]`));
          fields.push(`volumes[${i}].hostPath`);
        });
        if (names.length === 0) return ALLOWED;
        return {
          allowed: false,
          reason: 'hostPath volumes',
          detail: `${plural(names.length, 'volume', 'volumes')} ${quoteList(names)}`,
          fields,
        };
      },
    },
  ],
});
