/**
 * Host namespaces let a container see host processes (hostPID: read their memory and environment, T1611), talk
 * over host IPC, or listen and sniff on the node's network (hostNetwork). Each is its own rule and priority.
 */
export const POD_HOST_NAMESPACES = `
- rule: pod-host-pid
  title: Pod sharing the host PID namespace created
  desc: A pod or workload template with hostPID true was created or changed; its containers see every process on the node.
  condition: pod_spec_written and pod.hostPID = true
  output: "{user.username} {verb} {objectRef.resource} {objectRef.namespace}/{objectRef.name} with hostPID (images={pod.images.ref})"
  priority: high
  tags: [pods, privilege-escalation, T1610, T1611]

- rule: pod-host-ipc
  title: Pod sharing the host IPC namespace created
  desc: A pod or workload template with hostIPC true was created or changed; it shares System V IPC and shared memory with the node.
  condition: pod_spec_written and pod.hostIPC = true
  output: "{user.username} {verb} {objectRef.resource} {objectRef.namespace}/{objectRef.name} with hostIPC (images={pod.images.ref})"
  priority: medium
  tags: [pods, privilege-escalation, T1610, T1611]

- rule: pod-host-network
  title: Pod on the host network created
  desc: A pod or workload template with hostNetwork true was created or changed; it can bind node ports and reach node-local services.
  condition: pod_spec_written and pod.hostNetwork = true
  output: "{user.username} {verb} {objectRef.resource} {objectRef.namespace}/{objectRef.name} with hostNetwork (images={pod.images.ref})"
  priority: medium
  tags: [pods, network, T1610, T1611]
`;
