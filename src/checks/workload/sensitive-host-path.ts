// Spec: no hostPath volume exposes container runtime sockets (/var/run/docker.sock, containerd, CRI-O),
// /etc, /proc, /sys, /var/lib/kubelet, /var/lib/docker, /root or `/`, nor a directory that contains one of
// them. Paths are normalised first so `..` and trailing slashes cannot hide a match.
import type { PodCheck } from '../check.js';
import { defineCheck } from '../check.js';
import { asArray, getPath, isObject } from '../../k8s/object.js';
import type { PodView } from '../../k8s/pod-spec.js';
import { containersOf } from '../../k8s/pod-spec.js';
import { hostPathExposure } from './host-paths.js';

function containersMounting(pod: PodView, volumeName: string): string[] {
  return containersOf(pod)
    .filter((view) =>
      asArray(view.container['volumeMounts']).some((m) => isObject(m) && m['name'] === volumeName),
    )
    .map((view) => view.name);
}

export const sensitiveHostPath = defineCheck<PodCheck>({
  id: 'workload.sensitive-host-path',
  severity: 'high',
  title: 'Pod mounts a sensitive host path',
  description:
    'A container runtime socket gives full control of every container on the node; /etc, /proc, /sys, ' +
    "/var/lib/kubelet and similar paths expose node credentials, other pods' secrets and kernel interfaces. " +
    'Either is a short path from one compromised pod to the whole node.',
  remediation:
    'Remove the hostPath volume. Use the Kubernetes API, a CSI driver, or a purpose-built agent instead of the ' +
    'runtime socket; if a node agent truly needs host access, isolate it in its own namespace and mount the ' +
    'narrowest path read-only.',
  references: [
    'https://kubernetes.io/docs/concepts/storage/volumes/#hostpath',
    'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    'https://learn.microsoft.com/azure/aks/developer-best-practices-pod-security',
  ],
  category: 'workloads',
  scope: 'pod',
  evaluate(pod) {
    return asArray(pod.spec['volumes']).flatMap((volume, index) => {
      const path = getPath(volume, ['hostPath', 'path']);
      if (typeof path !== 'string') return [];
      const exposed = hostPathExposure(path);
      if (exposed === undefined) return [];
      const name =
        isObject(volume) && typeof volume['name'] === 'string' ? volume['name'] : `volumes[${index}]`;
      const users = containersMounting(pod, name);
      const mountedBy = users.length > 0 ? `, mounted by ${users.join(', ')}` : '';
      return [
        {
          message: `hostPath volume "${name}" (${path}) ${exposed}${mountedBy}`,
          field: `${pod.specPath}.volumes[${index}].hostPath.path`,
        },
      ];
    });
  },
});
