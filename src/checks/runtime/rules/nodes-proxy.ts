/**
 * nodes/proxy reaches the kubelet API through the API server: /run, /exec and /pods execute and inspect on any
 * pod of the node, and the commands never appear as pods/exec in the audit log (T1609). Metrics and stats
 * scrapes are the one common benign use and are skipped.
 */
export const NODES_PROXY = `
- list: kubelet_read_only_paths
  items: ["/api/v1/nodes/*/proxy/metrics*", "/api/v1/nodes/*/proxy/stats/summary*", "/api/v1/nodes/*/proxy/healthz*"]

- rule: nodes-proxy-access
  title: Kubelet API reached through nodes/proxy
  desc: A request went to the kubelet API through the nodes/proxy subresource, other than a metrics or stats read.
  condition: >
    objectRef.resource = nodes and objectRef.subresource = proxy and succeeded and not trusted_actor
    and not (verb = get and requestURI glob (kubelet_read_only_paths))
  output: "{user.username} {verb} {requestURI} (from={sourceIPs})"
  priority: high
  tags: [nodes, execution, T1609]
`;
