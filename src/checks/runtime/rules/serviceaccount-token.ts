/**
 * A person minting a service account token (kubectl create token, or a legacy token Secret) gets a credential
 * that outlives their session and hides their identity behind the account's (T1528).
 */
export const SERVICEACCOUNT_TOKEN = `
- rule: serviceaccount-token-requested
  title: Service account token requested
  desc: A token was requested for a service account (serviceaccounts/token) by someone other than a node or the control plane.
  condition: >
    objectRef.resource = serviceaccounts and objectRef.subresource = token and verb = create
    and succeeded and not trusted_actor
  output: "{user.username} requested a token for service account {objectRef.namespace}/{objectRef.name} (expiry={requestObject.spec.expirationSeconds}s from={sourceIPs})"
  priority: medium
  tags: [serviceaccounts, credential-access, T1528]

- rule: serviceaccount-token-secret-created
  title: Long-lived service account token secret created
  desc: A Secret of type kubernetes.io/service-account-token was created; its token never expires.
  condition: >
    objectRef.resource = secrets and verb = create and requestObject.type = kubernetes.io/service-account-token
    and succeeded and not dry_run and not trusted_actor
  output: "{user.username} created a long-lived token secret {objectRef.namespace}/{objectRef.name} for {requestObject.metadata.annotations[kubernetes.io/service-account.name]}"
  priority: medium
  tags: [serviceaccounts, credential-access, persistence, T1528]
`;
