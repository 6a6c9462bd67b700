/**
 * Admission webhooks and policies are the cluster's guards: deleting or loosening one disables enforcement
 * (T1562.001), and a new mutating webhook can inject into every pod. Certificate rotators and policy engines
 * rewrite their own webhook configurations and are listed as managers.
 */
export const ADMISSION_WEBHOOK = `
- list: admission_config_resources
  items:
    - mutatingwebhookconfigurations
    - validatingwebhookconfigurations
    - validatingadmissionpolicies
    - validatingadmissionpolicybindings
    - mutatingadmissionpolicies
    - mutatingadmissionpolicybindings

# Controllers that patch their own webhook configurations (caBundle rotation); globs over user.username.
- list: admission_config_managers
  items:
    - "system:serviceaccount:cert-manager:*cainjector*"
    - "system:serviceaccount:kyverno:*"
    - "system:serviceaccount:gatekeeper-system:*"
    - "system:serviceaccount:istio-system:istiod*"

- macro: admission_config_manager
  condition: user.username glob (admission_config_managers)

- rule: admission-webhook-deleted
  title: Admission webhook or policy deleted
  desc: A webhook configuration or admission policy was deleted, removing an admission control.
  condition: >
    objectRef.resource in (admission_config_resources) and verb in (delete, deletecollection)
    and succeeded and not dry_run and not trusted_actor and not admission_config_manager
  output: "{user.username} {verb} {objectRef.resource} {objectRef.name}"
  priority: high
  tags: [admission, defense-evasion, T1562.001]

- rule: admission-webhook-changed
  title: Admission webhook or policy created or changed
  desc: A webhook configuration or admission policy was created or changed by someone other than its known managers.
  condition: >
    objectRef.resource in (admission_config_resources) and verb in (create, update, patch)
    and succeeded and not dry_run and not trusted_actor and not admission_config_manager
  output: "{user.username} {verb} {objectRef.resource} {objectRef.name} (failurePolicy={requestObject.webhooks.failurePolicy} urls={requestObject.webhooks.clientConfig.url})"
  priority: medium
  tags: [admission, defense-evasion, persistence, T1562.001]
`;
