/**
 * Lists and macros the shipped rules share. Users extend them from their own rules file
 * (`- list: trusted_users` with `append: true`), which is how known automation is kept from alerting.
 */
export const BASE_RULES = `
- list: workload_resources
  items: [pods, deployments, replicasets, statefulsets, daemonsets, replicationcontrollers, jobs, cronjobs, podtemplates]

- list: kube_namespaces
  items: [kube-system, kube-public, kube-node-lease]

# Control-plane identities of upstream Kubernetes. Nodes are matched by their group (system:nodes).
- list: control_plane_users
  items:
    - system:apiserver
    - system:kube-controller-manager
    - system:kube-scheduler
    - system:kube-proxy
    - system:volume-scheduler

# kube-controller-manager with --use-service-account-credentials acts as one service account per controller.
- list: kube_system_controller_globs
  items:
    - "system:serviceaccount:kube-system:*-controller"
    - system:serviceaccount:kube-system:generic-garbage-collector
    - system:serviceaccount:kube-system:horizontal-pod-autoscaler
    - system:serviceaccount:kube-system:persistent-volume-binder
    - system:serviceaccount:kube-system:pv-protection-controller
    - system:serviceaccount:kube-system:root-ca-cert-publisher
    - system:serviceaccount:kube-system:token-cleaner
    - system:serviceaccount:kube-system:bootstrap-signer
    - system:serviceaccount:kube-system:legacy-service-account-token-cleaner

# Managed-cluster operators (AKS reconciles add-ons as aksService). Append your platform's identities here.
- list: platform_users
  items: [aksService]

# Your own automation that should never alert (globs over user.username). Empty by default.
- list: trusted_users
  items: []

- macro: control_plane
  condition: >
    user.username in (control_plane_users)
    or user.username glob (kube_system_controller_globs)
    or user.groups = system:nodes

- macro: trusted_actor
  condition: control_plane or user.username in (platform_users) or user.username glob (trusted_users)

# 101 is the upgrade answer of exec, attach and port-forward; anything below 400 did happen. An event without a
# status (a trimmed export) is treated as having happened: missing an attack is worse than one extra alert.
- macro: succeeded
  condition: not responseStatus.code exists or (responseStatus.code >= 100 and responseStatus.code < 400)

- macro: dry_run
  condition: query.dryRun exists

- macro: pod_spec_written
  condition: >
    objectRef.resource in (workload_resources) and verb in (create, update, patch)
    and (not objectRef.subresource exists or objectRef.subresource = ephemeralcontainers)
    and succeeded and not dry_run and not trusted_actor
`;
