// The one explicit list of manifest checks outside Pod Security (those live in pss/ with their own
// versioned registry). Adding a check means importing it here; nothing registers itself on import.
import { createRegistry } from '../core/registry.js';
import type { Check } from './check.js';
import { credentialsInConfigMap } from './secrets/credentials-in-configmap.js';
import { plaintextEnvSecret } from './secrets/plaintext-env-secret.js';
import { secretInEnvVar } from './secrets/secret-in-env-var.js';
import { secretInManifest } from './secrets/secret-in-manifest.js';
import { defaultDenyEgressMissing } from './tenancy/default-deny-egress-missing.js';
import { defaultDenyIngressMissing } from './tenancy/default-deny-ingress-missing.js';
import { limitRangeMissing } from './tenancy/limit-range-missing.js';
import { resourceQuotaMissing } from './tenancy/resource-quota-missing.js';
import { untrustedWithoutDedicatedNodes } from './tenancy/untrusted-without-dedicated-nodes.js';
import { untrustedWithoutSandbox } from './tenancy/untrusted-without-sandbox.js';
import { defaultServiceAccount } from './workload/default-service-account.js';
import { ingressWithoutTls } from './workload/exposure/ingress-without-tls.js';
import { nodePortService } from './workload/exposure/node-port-service.js';
import { publicLoadBalancer } from './workload/exposure/public-load-balancer.js';
import { imageDigestMissing } from './workload/image-digest-missing.js';
import { imageRegistryNotAllowed } from './workload/image-registry-not-allowed.js';
import { imageTagLatest } from './workload/image-tag-latest.js';
import { livenessProbeMissing } from './workload/liveness-probe-missing.js';
import { readinessProbeMissing } from './workload/readiness-probe-missing.js';
import { resourceLimitsMissing } from './workload/resource-limits-missing.js';
import { resourceRequestsMissing } from './workload/resource-requests-missing.js';
import { rootFilesystemWritable } from './workload/root-filesystem-writable.js';
import { sensitiveHostPath } from './workload/sensitive-host-path.js';
import { serviceAccountTokenAutomount } from './workload/service-account-token-automount.js';

import { NETPOL_LINT_CHECKS } from './netpol/index.js';
import { RBAC_CHECKS } from './rbac/index.js';

export const CHECKS = createRegistry<Check>(
  'check',
  [
    // Workload practice
    imageTagLatest,
    imageDigestMissing,
    imageRegistryNotAllowed,
    resourceRequestsMissing,
    resourceLimitsMissing,
    livenessProbeMissing,
    readinessProbeMissing,
    rootFilesystemWritable,
    defaultServiceAccount,
    serviceAccountTokenAutomount,
    sensitiveHostPath,
    // Service and Ingress exposure
    publicLoadBalancer,
    nodePortService,
    ingressWithoutTls,
    // Secrets in manifests
    secretInManifest,
    credentialsInConfigMap,
    plaintextEnvSecret,
    secretInEnvVar,
    // Tenancy and isolation
    defaultDenyIngressMissing,
    defaultDenyEgressMissing,
    resourceQuotaMissing,
    limitRangeMissing,
    untrustedWithoutSandbox,
    untrustedWithoutDedicatedNodes,
    // NetworkPolicy lint and RBAC risks (each list names its checks, one file per check)
    ...NETPOL_LINT_CHECKS,
    ...RBAC_CHECKS,
  ],
  (c) => c.id,
);

export type { Check };
