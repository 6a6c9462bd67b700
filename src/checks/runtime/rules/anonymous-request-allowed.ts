/**
 * Anonymous requests beyond the public health and version endpoints mean RBAC grants something to
 * system:anonymous or system:unauthenticated: reachable by anyone who can reach the API server (T1078.001).
 */
export const ANONYMOUS_REQUEST_ALLOWED = `
- list: public_anonymous_paths
  items: [/healthz, /livez, /readyz, /version, /.well-known/openid-configuration, /openid/v1/jwks]

- rule: anonymous-request-allowed
  title: Anonymous request allowed
  desc: A request by system:anonymous was authorized, outside the public health, version and OIDC discovery endpoints.
  condition: >
    user.username = system:anonymous
    and (annotations[authorization.k8s.io/decision] = allow
         or (not annotations[authorization.k8s.io/decision] exists and succeeded))
    and not requestURI startswith (public_anonymous_paths)
  output: "anonymous {verb} {requestURI} allowed ({annotations[authorization.k8s.io/reason]} from={sourceIPs})"
  priority: high
  tags: [authentication, initial-access, T1078.001]
`;
