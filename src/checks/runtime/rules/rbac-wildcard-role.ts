/** A "*" verb or resource grants everything, including what future API versions add (T1098.006). */
export const RBAC_WILDCARD_ROLE = `
- rule: rbac-wildcard-role
  title: Role with wildcard permissions
  desc: A Role or ClusterRole granting "*" verbs or "*" resources was created or changed.
  condition: >
    objectRef.resource in (roles, clusterroles) and verb in (create, update, patch)
    and succeeded and not dry_run and not trusted_actor
    and (requestObject.rules.verbs = "*" or requestObject.rules.resources = "*")
  output: "{user.username} {verb} {objectRef.resource} {objectRef.namespace}/{objectRef.name} with wildcard rules (verbs={requestObject.rules.verbs} resources={requestObject.rules.resources})"
  priority: medium
  tags: [rbac, privilege-escalation, T1098.006]
`;
