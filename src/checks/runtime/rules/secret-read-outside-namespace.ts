/**
 * A workload's service account reading its own namespace's secrets is normal; anyone else reading them (a
 * person, another namespace's service account, a cluster-wide list) is how credentials are collected
 * (T1552.007 Container API). Nodes read secrets for their pods and are trusted, as are the controllers.
 */
export const SECRET_READ_OUTSIDE_NAMESPACE = `
# Identities that legitimately read secrets across namespaces (ingress controllers, cert-manager, GitOps).
- list: cross_namespace_secret_readers
  items: []

- rule: secret-read-outside-namespace
  title: Secret read by an identity outside its namespace
  desc: Secrets were read (get, list or watch) by an identity other than a service account of the secret's namespace.
  condition: >
    objectRef.resource = secrets and verb in (get, list, watch) and succeeded and not trusted_actor
    and not user.username glob (cross_namespace_secret_readers)
    and not user.serviceaccount.namespace = $objectRef.namespace
  output: "{user.username} {verb} secrets {objectRef.namespace}/{objectRef.name} (from={sourceIPs} agent={userAgent})"
  priority: medium
  tags: [secrets, credential-access, T1552.007]
`;
