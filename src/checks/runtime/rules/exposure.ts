/**
 * Exposure and credential hygiene, low-priority signals that the common rule sets also carry: NodePort services
 * open a port on every node (T1133), Ingresses without TLS send credentials in clear, ConfigMaps holding
 * credentials are readable by anyone with ConfigMap access (T1552).
 */
export const EXPOSURE = `
- rule: service-nodeport
  title: NodePort service created
  desc: A Service of type NodePort was created or changed, opening a port on every node.
  condition: >
    objectRef.resource = services and verb in (create, update, patch) and not objectRef.subresource exists
    and requestObject.spec.type = NodePort and succeeded and not dry_run and not trusted_actor
  output: "{user.username} {verb} NodePort service {objectRef.namespace}/{objectRef.name} (nodePorts={requestObject.spec.ports.nodePort})"
  priority: low
  tags: [network, T1133]

- rule: ingress-without-tls
  title: Ingress without TLS created
  desc: An Ingress without a tls section was created.
  condition: >
    objectRef.resource = ingresses and verb = create and succeeded and not dry_run and not trusted_actor
    and requestObject.spec exists and not requestObject.spec.tls exists
  output: "{user.username} created Ingress {objectRef.namespace}/{objectRef.name} without TLS (hosts={requestObject.spec.rules.host})"
  priority: low
  tags: [network, T1040]

- list: credential_key_globs
  items:
    - password
    - passwd
    - "*_password"
    - "*-password"
    - "*.password"
    - "*Password"
    - PASSWORD
    - "*_PASSWORD"
    - "*_PASSWD"
    - aws_secret_access_key
    - AWS_SECRET_ACCESS_KEY
    - secret_key
    - "*_secret_key"
    - "*_SECRET_KEY"
    - "*SecretKey"
    - client_secret
    - "*_client_secret"
    - CLIENT_SECRET
    - "*_CLIENT_SECRET"
    - api_key
    - "*_api_key"
    - API_KEY
    - "*_API_KEY"
    - "*ApiKey"
    - private_key
    - "*_private_key"
    - PRIVATE_KEY
    - "*_PRIVATE_KEY"

- list: credential_value_globs
  items: ["AKIA????????????????", "*-----BEGIN*PRIVATE KEY-----*"]

- rule: configmap-with-credentials
  title: ConfigMap holding credentials
  desc: A ConfigMap was created or changed with a key named like a password or key, or a value that is an AWS access key id or a private key.
  condition: >
    objectRef.resource = configmaps and verb in (create, update, patch) and succeeded and not dry_run
    and not trusted_actor
    and (requestObject.data.@keys glob (credential_key_globs) or requestObject.data[*] glob (credential_value_globs))
  output: "{user.username} {verb} ConfigMap {objectRef.namespace}/{objectRef.name} with credential-like keys {requestObject.data.@keys}"
  priority: medium
  tags: [secrets, credential-access, T1552]
`;
