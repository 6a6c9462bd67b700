/**
 * Permissions that lead to others: running commands in pods, the kubelet API, minting tokens, approving
 * certificates, and the RBAC escalate, bind and impersonate verbs (T1098.006).
 */
export const RBAC_SENSITIVE_PERMISSIONS = `
- list: sensitive_subresources
  items: [pods/exec, pods/attach, pods/portforward, pods/ephemeralcontainers, nodes/proxy, serviceaccounts/token, certificatesigningrequests/approval]

- list: escalation_verbs
  items: [escalate, bind, impersonate]

- rule: rbac-sensitive-permissions
  title: Role granting escalation paths
  desc: A Role or ClusterRole granting exec, attach, nodes/proxy, token requests, CSR approval, or the escalate, bind or impersonate verbs was created or changed.
  condition: >
    objectRef.resource in (roles, clusterroles) and verb in (create, update, patch)
    and succeeded and not dry_run and not trusted_actor
    and (requestObject.rules.resources in (sensitive_subresources) or requestObject.rules.verbs in (escalation_verbs))
  output: "{user.username} {verb} {objectRef.resource} {objectRef.namespace}/{objectRef.name} granting {requestObject.rules.verbs} on {requestObject.rules.resources}"
  priority: medium
  tags: [rbac, privilege-escalation, T1098.006]
`;
