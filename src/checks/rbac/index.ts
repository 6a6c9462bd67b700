// The RBAC engine (authorizer, who-can, rule listing) and the RBAC risk checks. RBAC_CHECKS is the one
// explicit list of those checks; the check registry imports it, nothing registers itself.
import type { SetCheck } from '../check.js';
import { anonymousBinding } from './risks/anonymous-binding.js';
import { bind } from './risks/bind.js';
import { clusterAdminBinding } from './risks/cluster-admin-binding.js';
import { createWorkloads } from './risks/create-workloads.js';
import { csrApproval } from './risks/csr-approval.js';
import { defaultServiceAccountRights } from './risks/default-service-account-rights.js';
import { escalate } from './risks/escalate.js';
import { impersonate } from './risks/impersonate.js';
import { nodesProxy } from './risks/nodes-proxy.js';
import { podExec } from './risks/pod-exec.js';
import { secretsReadClusterWide } from './risks/secrets-read-cluster-wide.js';
import { serviceAccountToken } from './risks/serviceaccount-token.js';
import { webhookConfigWrite } from './risks/webhook-config-write.js';
import { wildcardRule } from './risks/wildcard-rule.js';

export const RBAC_CHECKS: readonly SetCheck[] = [
  clusterAdminBinding,
  anonymousBinding,
  wildcardRule,
  secretsReadClusterWide,
  podExec,
  createWorkloads,
  escalate,
  bind,
  impersonate,
  nodesProxy,
  serviceAccountToken,
  csrApproval,
  webhookConfigWrite,
  defaultServiceAccountRights,
];

export type {
  PolicyRule,
  Subject,
  SubjectKind,
  RoleRecord,
  BindingRecord,
  RbacModel,
  RbacModelOptions,
} from './model.js';
export { buildRbacModel } from './model.js';
export type { AccessRequest, ResourceRequest, NonResourceRequest, UserInfo } from './request.js';
export type { Decision, Grant, ObjectName } from './authorizer.js';
export { authorize } from './authorizer.js';
export type { WhoCanOptions, WhoCanResult } from './who-can.js';
export { whoCan } from './who-can.js';
export type { EffectiveRule } from './list-rules.js';
export { listRules } from './list-rules.js';
export { impersonatedUser, parseServiceAccountUsername, serviceAccountUsername } from './user.js';
export type {
  ParsedResource,
  ParsedNonResource,
  ResourceArgOptions,
  ResourceType,
} from './resource-types.js';
export { parseResourceArg, lookupResourceType, RESOURCE_TYPES } from './resource-types.js';
