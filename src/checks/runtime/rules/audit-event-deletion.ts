/**
 * Events are the cluster's short memory of what happened (image pulls, exec probes, failed mounts); deleting
 * them, or dynamic audit configuration, covers tracks (T1070). The namespace controller cleans up deleted
 * namespaces and is a trusted controller.
 */
export const AUDIT_EVENT_DELETION = `
- rule: audit-event-deletion
  title: Events or audit configuration deleted
  desc: Kubernetes Events or audit sinks were deleted by someone other than the control plane.
  condition: >
    objectRef.resource in (events, auditsinks) and verb in (delete, deletecollection)
    and succeeded and not dry_run and not trusted_actor
  output: "{user.username} {verb} {objectRef.resource} {objectRef.namespace}/{objectRef.name} ({requestURI})"
  priority: medium
  tags: [defense-evasion, T1070]
`;
