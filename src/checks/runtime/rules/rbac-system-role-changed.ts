/**
 * Built-in system: roles and bindings are reconciled by the API server; a person changing or deleting them is
 * weakening or backdooring the control plane's own permissions (T1098).
 */
export const RBAC_SYSTEM_ROLE_CHANGED = `
- rule: rbac-system-role-changed
  title: Built-in system role or binding changed
  desc: >
    A Role, ClusterRole or binding whose name starts with "system:" was changed or deleted by someone other
    than the control plane.
  condition: >
    objectRef.resource in (clusterroles, clusterrolebindings, roles, rolebindings)
    and verb in (update, patch, delete) and objectRef.name startswith "system:"
    and succeeded and not dry_run and not trusted_actor
  output: "{user.username} {verb} {objectRef.resource} {objectRef.namespace}/{objectRef.name}"
  priority: medium
  tags: [rbac, persistence, T1098]
`;
