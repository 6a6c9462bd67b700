/**
 * Images from registries the organisation does not control are how malicious images reach the cluster
 * (T1204.003). Off until the allow-list has items: `--allowed-registries`, settings.allowedRegistries in
 * kubeward.yaml, or a rules file appending to the list.
 */
export const IMAGE_REGISTRY = `
# Globs over the normalized reference (registry/path:tag), e.g. "myacr.azurecr.io/*".
- list: allowed_image_registries
  items: []

- rule: image-registry-not-allowed
  title: Image from a registry outside the allow-list
  desc: A pod or workload template was created or changed with an image from a registry that is not allowed.
  requires_list: allowed_image_registries
  condition: pod_spec_written and pod.images.ref not glob (allowed_image_registries)
  output: "{user.username} {verb} {objectRef.resource} {objectRef.namespace}/{objectRef.name} with images {pod.images.ref}"
  priority: medium
  tags: [images, execution, T1204.003, T1610]
`;
