/**
 * hostPath volumes of these directories hand a container the node: the container runtime socket, kubelet
 * credentials, /etc (cron, shadow), /proc or the whole root (T1611).
 */
export const POD_SENSITIVE_HOST_PATH = `
- list: sensitive_host_paths
  items:
    - /
    - /proc
    - /proc/*
    - /etc
    - /etc/*
    - /root
    - /root/*
    - /home
    - /home/*
    - /boot
    - /boot/*
    - /var/run/docker.sock
    - /run/docker.sock
    - /var/run/containerd*
    - /run/containerd*
    - /var/run/crio*
    - /run/crio*
    - /var/lib/kubelet
    - /var/lib/kubelet/*
    - /var/lib/docker
    - /var/lib/docker/*
    - /var/lib/containerd
    - /var/lib/containerd/*
    - /etc/kubernetes
    - /etc/kubernetes/*

- rule: pod-sensitive-host-path
  title: Pod mounting a sensitive host path created
  desc: A pod or workload template mounting a sensitive host directory (runtime socket, kubelet, /etc, /proc, /) was created or changed.
  condition: pod_spec_written and pod.volumes.hostPath.path glob (sensitive_host_paths)
  output: "{user.username} {verb} {objectRef.resource} {objectRef.namespace}/{objectRef.name} mounting host paths {pod.volumes.hostPath.path} (images={pod.images.ref})"
  priority: high
  tags: [pods, privilege-escalation, T1610, T1611]
`;
