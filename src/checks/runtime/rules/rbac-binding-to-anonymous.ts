/**
 * Binding a role to everyone (anonymous or all authenticated users) is how clusters get taken over from the
 * internet. The default discovery bindings are reconciled by the API server itself, which is trusted.
 */
export const RBAC_BINDING_TO_ANONYMOUS = `
- list: everyone_subjects
  items: [system:anonymous, system:unauthenticated, system:authenticated]

- rule: rbac-binding-to-anonymous
  title: Role bound to anonymous or all users
  desc: A binding naming system:anonymous, system:unauthenticated or system:authenticated as a subject was created or changed.
  condition: >
    objectRef.resource in (clusterrolebindings, rolebindings) and verb in (create, update, patch)
    and succeeded and not dry_run and not trusted_actor
    and requestObject.subjects.name in (everyone_subjects)
  output: "{user.username} {verb} {objectRef.resource} {objectRef.namespace}/{objectRef.name} granting {requestObject.roleRef.name} to {requestObject.subjects.name}"
  priority: critical
  tags: [rbac, initial-access, T1078.001, T1098.006]
`;
