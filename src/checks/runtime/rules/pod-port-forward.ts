/** Port-forward tunnels the attacker's traffic into a pod, around NetworkPolicies and Services (T1609). */
export const POD_PORT_FORWARD = `
- rule: pod-port-forward
  title: Port-forward into a pod
  desc: A user opened a tunnel to a pod port with kubectl port-forward, bypassing Services and network policy.
  condition: >
    objectRef.resource = pods and objectRef.subresource = portforward and verb in (create, get)
    and succeeded and not trusted_actor
  stages: [ResponseStarted, ResponseComplete]
  output: "{user.username} port-forwarded to pod {objectRef.namespace}/{objectRef.name} (ports={query.ports} from={sourceIPs})"
  priority: medium
  tags: [pods, lateral-movement, T1609]
`;
