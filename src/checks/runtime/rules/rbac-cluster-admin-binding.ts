/**
 * Binding cluster-admin (or the namespace-wide admin roles) hands over the cluster (T1098.006 Additional
 * Container Cluster Roles). roleRef is immutable, so a patch that adds subjects to the existing `cluster-admin`
 * binding is recognized by the binding's name.
 */
export const RBAC_CLUSTER_ADMIN_BINDING = `
- list: admin_cluster_roles
  items: [cluster-admin]

- rule: rbac-cluster-admin-binding
  title: Binding to cluster-admin
  desc: A ClusterRoleBinding or RoleBinding to the cluster-admin ClusterRole was created or changed.
  condition: >
    objectRef.resource in (clusterrolebindings, rolebindings) and verb in (create, update, patch)
    and succeeded and not dry_run and not trusted_actor
    and (requestObject.roleRef.name in (admin_cluster_roles)
         or (objectRef.resource = clusterrolebindings and objectRef.name in (admin_cluster_roles)))
  output: "{user.username} {verb} {objectRef.resource} {objectRef.name} granting {requestObject.roleRef.name} to {requestObject.subjects.name}"
  priority: high
  tags: [rbac, privilege-escalation, persistence, T1098.006]
`;
