// Spec: when `settings.allowedRegistries` is non-empty, every image comes from one of those registries (host or
// host/path prefix, globs allowed). Docker Hub short names such as `nginx` count as docker.io/library/nginx.
import type { PodCheck } from '../check.js';
import { defineCheck } from '../check.js';
import { containersOf } from '../../k8s/pod-spec.js';
import { containerViolation, describeContainer, imageOf } from './containers.js';
import { imageName, isAllowedImage, parseImageReference } from './image-reference.js';

export const imageRegistryNotAllowed = defineCheck<PodCheck>({
  id: 'workload.image-registry-not-allowed',
  severity: 'high',
  title: 'Image comes from a registry that is not allowed',
  description:
    'Images from arbitrary registries bypass the scanning, signing and retention controls of your own ' +
    'registry, and typosquatted or hijacked public images are a common supply-chain entry point.',
  remediation:
    'Import the image into an allowed registry (for example with az acr import) and reference it there, or ' +
    'add the registry to allowedRegistries in kubeward.yaml if it is trusted.',
  references: [
    'https://learn.microsoft.com/azure/aks/operator-best-practices-container-image-management',
    'https://learn.microsoft.com/azure/container-registry/container-registry-import-images',
    'https://kubernetes.io/docs/concepts/containers/images/',
  ],
  category: 'workloads',
  scope: 'pod',
  evaluate(pod, ctx) {
    const allowed = ctx.settings.allowedRegistries;
    if (allowed.length === 0) return [];
    return containersOf(pod).flatMap((view) => {
      const image = imageOf(view);
      const ref = image === undefined ? undefined : parseImageReference(image);
      if (!ref || isAllowedImage(ref, allowed)) return [];
      return [
        containerViolation(
          view,
          'image',
          `${describeContainer(view)} image "${image}" resolves to ${imageName(ref)}, which no allowedRegistries entry covers`,
        ),
      ];
    });
  },
});
