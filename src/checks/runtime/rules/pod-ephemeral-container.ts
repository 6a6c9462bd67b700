/** kubectl debug adds an ephemeral container to a running pod: a new process with the pod's identity (T1609). */
export const POD_EPHEMERAL_CONTAINER = `
- rule: pod-ephemeral-container
  title: Ephemeral container added to a pod
  desc: A user added an ephemeral (debug) container to a running pod, which runs any image inside the pod's namespaces.
  condition: >
    objectRef.resource = pods and objectRef.subresource = ephemeralcontainers and verb in (update, patch)
    and succeeded and not trusted_actor
  output: "{user.username} added an ephemeral container to pod {objectRef.namespace}/{objectRef.name} (images={pod.images.ref})"
  priority: medium
  tags: [pods, execution, T1609, T1610]
`;
