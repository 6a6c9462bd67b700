/**
 * Nodes register themselves with their kubelet credential. A Node object created by anyone else is a rogue node
 * that the scheduler will trust with pods and their secrets (T1078).
 */
export const NODE_REGISTERED = `
- rule: node-registered-by-non-node
  title: Node registered by an identity that is not a node
  desc: A Node object was created by an identity outside the system:nodes group.
  condition: objectRef.resource = nodes and verb = create and not objectRef.subresource exists and succeeded and not trusted_actor
  output: "{user.username} registered node {objectRef.name} (from={sourceIPs})"
  priority: high
  tags: [nodes, persistence, T1078]
`;
