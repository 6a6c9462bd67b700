/**
 * Exec and attach give a shell inside a running container (ATT&CK T1609 Container Administration Command). The
 * request upgrades to a stream, so the event arrives at ResponseStarted; both stages are watched and the
 * detector alerts once per request.
 */
export const POD_EXEC = `
- rule: pod-exec
  title: Exec or attach into a pod
  desc: A user opened an interactive session in a running container with kubectl exec or attach.
  condition: >
    objectRef.resource = pods and objectRef.subresource in (exec, attach) and verb in (create, get)
    and succeeded and not trusted_actor
  stages: [ResponseStarted, ResponseComplete]
  output: "{user.username} ran {objectRef.subresource} in pod {objectRef.namespace}/{objectRef.name} (container={query.container} command={query.command} from={sourceIPs})"
  priority: medium
  tags: [pods, execution, T1609]
`;
