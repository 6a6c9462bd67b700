/**
 * kube-system is where an attacker hides a workload among the cluster's own (T1036.005) and where pods get the
 * most powerful service accounts. Controllers creating pods for existing workloads are not people and are
 * skipped; the workload's own creation is what alerts.
 */
export const KUBE_SYSTEM_WORKLOAD = `
- rule: kube-system-workload-created
  title: Workload created in a system namespace
  desc: A pod or workload was created in kube-system, kube-public or kube-node-lease by someone other than the control plane.
  condition: >
    objectRef.resource in (workload_resources) and verb = create and not objectRef.subresource exists
    and objectRef.namespace in (kube_namespaces) and succeeded and not dry_run and not trusted_actor
  output: "{user.username} created {objectRef.resource} {objectRef.namespace}/{objectRef.name} (images={pod.images.ref})"
  priority: medium
  tags: [workloads, persistence, defense-evasion, T1610, T1036.005]

- list: kube_system_serviceaccounts
  items: [default]

- rule: kube-system-serviceaccount-created
  title: Service account created in a system namespace
  desc: A ServiceAccount was created in kube-system, kube-public or kube-node-lease by someone other than the control plane.
  condition: >
    objectRef.resource = serviceaccounts and verb = create and not objectRef.subresource exists
    and objectRef.namespace in (kube_namespaces) and succeeded and not dry_run and not trusted_actor
    and not objectRef.name in (kube_system_serviceaccounts)
  output: "{user.username} created service account {objectRef.namespace}/{objectRef.name}"
  priority: medium
  tags: [serviceaccounts, persistence, T1136, T1078]
`;
