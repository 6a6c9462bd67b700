/**
 * A privileged container has every capability and all host devices: escaping to the node is one mount away
 * (T1611). Pods that controllers create from a template are skipped: the alert fires on the workload itself.
 */
export const POD_PRIVILEGED = `
- rule: pod-privileged
  title: Privileged container created
  desc: A pod or workload template with a privileged container was created or changed.
  condition: pod_spec_written and pod.containers.securityContext.privileged = true
  output: "{user.username} {verb} {objectRef.resource} {objectRef.namespace}/{objectRef.name} with a privileged container (images={pod.images.ref})"
  priority: high
  tags: [pods, privilege-escalation, T1610, T1611]
`;
