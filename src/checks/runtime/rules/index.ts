import type { RuleSource } from '../load-rules.js';
import { BASE_RULES } from './base.js';
import { POD_EXEC } from './pod-exec.js';
import { POD_PORT_FORWARD } from './pod-port-forward.js';
import { POD_EPHEMERAL_CONTAINER } from './pod-ephemeral-container.js';
import { POD_PRIVILEGED } from './pod-privileged.js';
import { POD_HOST_NAMESPACES } from './pod-host-namespaces.js';
import { POD_SENSITIVE_HOST_PATH } from './pod-sensitive-host-path.js';
import { IMAGE_REGISTRY } from './image-registry.js';
import { KUBE_SYSTEM_WORKLOAD } from './kube-system-workload.js';
import { RBAC_CLUSTER_ADMIN_BINDING } from './rbac-cluster-admin-binding.js';
import { RBAC_BINDING_TO_ANONYMOUS } from './rbac-binding-to-anonymous.js';
import { RBAC_WILDCARD_ROLE } from './rbac-wildcard-role.js';
import { RBAC_SENSITIVE_PERMISSIONS } from './rbac-sensitive-permissions.js';
import { RBAC_SYSTEM_ROLE_CHANGED } from './rbac-system-role-changed.js';
import { SECRET_READ_OUTSIDE_NAMESPACE } from './secret-read-outside-namespace.js';
import { SERVICEACCOUNT_TOKEN } from './serviceaccount-token.js';
import { ANONYMOUS_REQUEST_ALLOWED } from './anonymous-request-allowed.js';
import { ADMISSION_WEBHOOK } from './admission-webhook.js';
import { AUDIT_EVENT_DELETION } from './audit-event-deletion.js';
import { CSR_APPROVED } from './csr-approved.js';
import { NODES_PROXY } from './nodes-proxy.js';
import { NODE_REGISTERED } from './node-registered.js';
import { FORBIDDEN_BURST } from './forbidden-burst.js';
import { EXPOSURE } from './exposure.js';
import { SYSTEM_MASTERS } from './system-masters.js';

/**
 * The shipped rules, one threat per file, in the order alerts list them. The base lists and macros come first;
 * a user's rules file is read after all of these and may extend or override them.
 */
export const SHIPPED_RULE_SOURCES: readonly RuleSource[] = [
  { name: 'shipped:base', text: BASE_RULES },
  { name: 'shipped:pod-exec', text: POD_EXEC },
  { name: 'shipped:pod-port-forward', text: POD_PORT_FORWARD },
  { name: 'shipped:pod-ephemeral-container', text: POD_EPHEMERAL_CONTAINER },
  { name: 'shipped:pod-privileged', text: POD_PRIVILEGED },
  { name: 'shipped:pod-host-namespaces', text: POD_HOST_NAMESPACES },
  { name: 'shipped:pod-sensitive-host-path', text: POD_SENSITIVE_HOST_PATH },
  { name: 'shipped:image-registry', text: IMAGE_REGISTRY },
  { name: 'shipped:kube-system-workload', text: KUBE_SYSTEM_WORKLOAD },
  { name: 'shipped:rbac-cluster-admin-binding', text: RBAC_CLUSTER_ADMIN_BINDING },
  { name: 'shipped:rbac-binding-to-anonymous', text: RBAC_BINDING_TO_ANONYMOUS },
  { name: 'shipped:rbac-wildcard-role', text: RBAC_WILDCARD_ROLE },
  { name: 'shipped:rbac-sensitive-permissions', text: RBAC_SENSITIVE_PERMISSIONS },
  { name: 'shipped:rbac-system-role-changed', text: RBAC_SYSTEM_ROLE_CHANGED },
  { name: 'shipped:secret-read-outside-namespace', text: SECRET_READ_OUTSIDE_NAMESPACE },
  { name: 'shipped:serviceaccount-token', text: SERVICEACCOUNT_TOKEN },
  { name: 'shipped:anonymous-request-allowed', text: ANONYMOUS_REQUEST_ALLOWED },
  { name: 'shipped:admission-webhook', text: ADMISSION_WEBHOOK },
  { name: 'shipped:audit-event-deletion', text: AUDIT_EVENT_DELETION },
  { name: 'shipped:csr-approved', text: CSR_APPROVED },
  { name: 'shipped:nodes-proxy', text: NODES_PROXY },
  { name: 'shipped:node-registered', text: NODE_REGISTERED },
  { name: 'shipped:forbidden-burst', text: FORBIDDEN_BURST },
  { name: 'shipped:exposure', text: EXPOSURE },
  { name: 'shipped:system-masters', text: SYSTEM_MASTERS },
];
