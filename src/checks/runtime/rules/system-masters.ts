/**
 * system:masters bypasses RBAC and cannot be revoked; on clusters with a central identity provider its use
 * means a local admin credential (kubeadm's admin.conf, AKS --admin) is in play (T1078.001). Off by default
 * because small clusters use it daily.
 */
export const SYSTEM_MASTERS = `
- rule: system-masters-request
  title: Request by a member of system:masters
  desc: A request was made by an identity in the system:masters group, which bypasses RBAC.
  enabled: false
  condition: user.groups = system:masters and not trusted_actor
  output: "{user.username} (system:masters) {verb} {requestURI} (from={sourceIPs} agent={userAgent})"
  priority: medium
  tags: [authentication, privilege-escalation, T1078.001]
`;
