// Spec: every container image names an explicit, immutable version. A missing tag means `:latest`, and
// `:latest` moves, so the same manifest can run different code on different nodes and after each restart.
// A digest pins the image whatever the tag says, so digest references pass.
import type { PodCheck } from '../check.js';
import { defineCheck } from '../check.js';
import { containersOf } from '../../k8s/pod-spec.js';
import { containerViolation, describeContainer, imageOf } from './containers.js';
import { parseImageReference } from './image-reference.js';

export const imageTagLatest = defineCheck<PodCheck>({
  id: 'workload.image-tag-latest',
  severity: 'medium',
  title: 'Image uses the latest tag or no tag',
  description:
    'An image without a tag, or tagged latest, resolves to whatever was pushed last. Rollouts stop being ' +
    'reproducible, nodes may run different code, and a compromised push reaches the cluster on the next restart.',
  remediation:
    'Reference a specific version tag (for example nginx:1.27.2), or better, pin the image by digest ' +
    '(nginx@sha256:...).',
  references: [
    'https://kubernetes.io/docs/concepts/containers/images/#image-names',
    'https://kubernetes.io/docs/concepts/configuration/overview/#container-images',
    'https://learn.microsoft.com/azure/aks/operator-best-practices-container-image-management',
  ],
  category: 'workloads',
  scope: 'pod',
  evaluate(pod) {
    return containersOf(pod).flatMap((view) => {
      const image = imageOf(view);
      const ref = image === undefined ? undefined : parseImageReference(image);
      if (!ref || ref.digest) return [];
      if (ref.tag === undefined)
        return [
          containerViolation(
            view,
            'image',
            `${describeContainer(view)} uses image "${image}" without a tag (implicitly :latest)`,
          ),
        ];
      if (ref.tag === 'latest')
        return [
          containerViolation(view, 'image', `${describeContainer(view)} uses the moving tag "${image}"`),
        ];
      return [];
    });
  },
});
