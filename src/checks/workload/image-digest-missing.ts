// Spec: images are referenced by digest (`name@sha256:...`). Tags, even versioned ones, can be re-pushed;
// only a digest guarantees the bytes that were scanned and signed are the bytes that run.
import type { PodCheck } from '../check.js';
import { defineCheck } from '../check.js';
import { containersOf } from '../../k8s/pod-spec.js';
import { containerViolation, describeContainer, imageOf } from './containers.js';
import { parseImageReference } from './image-reference.js';

export const imageDigestMissing = defineCheck<PodCheck>({
  id: 'workload.image-digest-missing',
  severity: 'info',
  title: 'Image is not pinned by digest',
  description:
    'A tag can be moved to different content at any time. Without a digest, the image that runs may not be ' +
    'the one that was scanned, tested or signed.',
  remediation:
    'Append the image digest to the reference (registry/app:1.4.2@sha256:...) and let your release tooling ' +
    'update it.',
  references: [
    'https://kubernetes.io/docs/concepts/containers/images/#image-names',
    'https://learn.microsoft.com/azure/aks/operator-best-practices-container-image-management',
  ],
  category: 'workloads',
  scope: 'pod',
  evaluate(pod) {
    return containersOf(pod).flatMap((view) => {
      const image = imageOf(view);
      const ref = image === undefined ? undefined : parseImageReference(image);
      if (!ref || ref.digest) return [];
      return [
        containerViolation(
          view,
          'image',
          `${describeContainer(view)} image "${image}" is not pinned by digest`,
        ),
      ];
    });
  },
});
