// Spec: AKS cluster hardening as the Azure docs and the AKS security baseline describe it. Each rule reads
// the managed cluster's ARM properties (names matched without regard to case) and names the ARM path it read.
import type { ConfigRule, ConfigViolation } from './config-rule.js';
import { defineConfigRule, isFalse, isTrue, objectProp, prop, stringProp } from './config-rule.js';
import type { AksCluster, AksSettings } from './aks-model.js';

export interface AksClusterInput {
  cluster: AksCluster;
  settings: AksSettings;
}

const DOCS = 'https://learn.microsoft.com/azure/aks';
const p = (input: AksClusterInput, ...keys: string[]) => prop(input.cluster.properties, ...keys);
const one = (field: string, message: string): ConfigViolation[] => [
  { field: `properties.${field}`, message },
];
const isPrivate = (input: AksClusterInput) =>
  isTrue(p(input, 'apiServerAccessProfile', 'enablePrivateCluster'));

export const apiServerPublicUnrestricted = defineConfigRule<AksClusterInput>({
  id: 'aks.api-server-public-unrestricted',
  severity: 'high',
  title: 'API server is reachable from any address',
  description:
    'A public API server without authorized IP ranges can be probed and brute-forced from the whole internet; ' +
    'any leaked kubeconfig or token works from anywhere.',
  remediation:
    'Make the cluster private, or set apiServerAccessProfile.authorizedIpRanges to the CIDRs of your ' +
    'administrators, CI agents and outbound gateway.',
  references: [`${DOCS}/api-server-authorized-ip-ranges`, `${DOCS}/private-clusters`],
  category: 'cluster',
  evaluate(input) {
    if (isPrivate(input)) return [];
    const ranges = p(input, 'apiServerAccessProfile', 'authorizedIpRanges');
    if (Array.isArray(ranges) && ranges.length > 0 && !ranges.includes('0.0.0.0/0')) return [];
    return one(
      'apiServerAccessProfile.authorizedIpRanges',
      Array.isArray(ranges) && ranges.includes('0.0.0.0/0')
        ? 'public API server authorizes 0.0.0.0/0'
        : 'public API server has no authorized IP ranges',
    );
  },
});

export const privateClusterDisabled = defineConfigRule<AksClusterInput>({
  id: 'aks.private-cluster-disabled',
  severity: 'low',
  title: 'Cluster is not private',
  description:
    'A private cluster keeps the API server on a private endpoint in the virtual network, so it is not ' +
    'exposed on the internet at all, even to authorized ranges.',
  remediation: 'Create the cluster with --enable-private-cluster (or use API Server VNet Integration).',
  references: [`${DOCS}/private-clusters`, `${DOCS}/api-server-vnet-integration`],
  category: 'cluster',
  evaluate: (input) =>
    isPrivate(input)
      ? []
      : one('apiServerAccessProfile.enablePrivateCluster', 'the API server has a public endpoint'),
});

export const localAccountsEnabled = defineConfigRule<AksClusterInput>({
  id: 'aks.local-accounts-enabled',
  severity: 'high',
  title: 'Local accounts are enabled',
  description:
    'The local clusterAdmin credential is a static, non-auditable cluster-admin secret that bypasses Entra ID, ' +
    'Conditional Access and Azure RBAC; anyone with listClusterAdminCredential on the resource gets it.',
  remediation: 'az aks update --disable-local-accounts (requires Entra ID integration).',
  references: [`${DOCS}/manage-local-accounts-managed-azure-ad`],
  category: 'cluster',
  evaluate: (input) =>
    isTrue(p(input, 'disableLocalAccounts'))
      ? []
      : one('disableLocalAccounts', 'local accounts (static cluster-admin credentials) are enabled'),
});

export const entraIdDisabled = defineConfigRule<AksClusterInput>({
  id: 'aks.entra-id-disabled',
  severity: 'high',
  title: 'Microsoft Entra ID integration is not enabled',
  description:
    'Without Entra ID, users authenticate with certificates that cannot be revoked individually, and ' +
    'Conditional Access, MFA and group-based access do not apply to the cluster.',
  remediation: 'az aks update --enable-aad --aad-admin-group-object-ids <group>.',
  references: [`${DOCS}/enable-authentication-microsoft-entra-id`],
  category: 'cluster',
  evaluate(input) {
    const aad = objectProp(input.cluster.properties, 'aadProfile');
    if (aad && isTrue(prop(aad, 'managed'))) return [];
    return one('aadProfile', aad ? 'aadProfile is the legacy (non-managed) integration' : 'no aadProfile');
  },
});

export const azureRbacDisabled = defineConfigRule<AksClusterInput>({
  id: 'aks.azure-rbac-disabled',
  severity: 'medium',
  title: 'Azure RBAC for Kubernetes authorization is not enabled',
  description:
    'Azure RBAC manages cluster access with Azure role assignments, audited and governed with the rest of the ' +
    'subscription, instead of bindings edited inside each cluster.',
  remediation: 'az aks update --enable-azure-rbac.',
  references: [`${DOCS}/manage-azure-rbac`],
  category: 'cluster',
  evaluate: (input) =>
    isTrue(p(input, 'aadProfile', 'enableAzureRbac'))
      ? []
      : one('aadProfile.enableAzureRbac', 'Azure RBAC for Kubernetes authorization is off'),
});

export const kubernetesRbacDisabled = defineConfigRule<AksClusterInput>({
  id: 'aks.kubernetes-rbac-disabled',
  severity: 'critical',
  title: 'Kubernetes RBAC is disabled',
  description:
    'Without RBAC every authenticated identity, including every service account, is cluster admin.',
  remediation: 'Recreate the cluster with RBAC enabled (enableRBAC cannot be turned on in place).',
  references: [`${DOCS}/concepts-identity#kubernetes-rbac`],
  category: 'cluster',
  evaluate: (input) => (isFalse(p(input, 'enableRBAC')) ? one('enableRBAC', 'enableRBAC is false') : []),
});

export const networkPolicyMissing = defineConfigRule<AksClusterInput>({
  id: 'aks.network-policy-missing',
  severity: 'high',
  title: 'No network policy engine',
  description:
    'Without a network policy engine, NetworkPolicy objects are accepted and silently ignored: every pod can ' +
    'reach every other pod in the cluster.',
  remediation: 'Enable a network policy engine: --network-policy azure, calico or cilium.',
  references: [`${DOCS}/use-network-policies`],
  category: 'cluster',
  evaluate(input) {
    const policy = stringProp(input.cluster.properties, 'networkProfile', 'networkPolicy');
    return policy && policy.toLowerCase() !== 'none'
      ? []
      : one('networkProfile.networkPolicy', `network policy engine is ${policy ?? 'not set'}`);
  },
});

export const azurePolicyDisabled = defineConfigRule<AksClusterInput>({
  id: 'aks.azure-policy-disabled',
  severity: 'medium',
  title: 'Azure Policy add-on is not enabled',
  description:
    'The Azure Policy add-on (Gatekeeper) enforces pod security and other guardrails at admission, and reports ' +
    'compliance centrally.',
  remediation: 'az aks enable-addons --addons azure-policy.',
  references: ['https://learn.microsoft.com/azure/governance/policy/concepts/policy-for-kubernetes'],
  category: 'cluster',
  evaluate: (input) =>
    isTrue(p(input, 'addonProfiles', 'azurepolicy', 'enabled'))
      ? []
      : one('addonProfiles.azurepolicy.enabled', 'the Azure Policy add-on is off'),
});

export const defenderDisabled = defineConfigRule<AksClusterInput>({
  id: 'aks.defender-disabled',
  severity: 'medium',
  title: 'Microsoft Defender for Containers is not enabled',
  description:
    'The Defender profile collects runtime security events from the nodes; without it, attacks on the cluster ' +
    'go undetected by Defender for Cloud.',
  remediation: 'az aks update --enable-defender.',
  references: ['https://learn.microsoft.com/azure/defender-for-cloud/defender-for-containers-enable'],
  category: 'cluster',
  evaluate: (input) =>
    isTrue(p(input, 'securityProfile', 'defender', 'securityMonitoring', 'enabled'))
      ? []
      : one('securityProfile.defender.securityMonitoring.enabled', 'Defender security monitoring is off'),
});

export const workloadIdentityDisabled = defineConfigRule<AksClusterInput>({
  id: 'aks.workload-identity-disabled',
  severity: 'medium',
  title: 'Workload identity is not enabled',
  description:
    'Without workload identity, pods reach Azure with secrets in the cluster or through the node identity, ' +
    'which every pod on the node can use.',
  remediation: 'az aks update --enable-oidc-issuer --enable-workload-identity.',
  references: [`${DOCS}/workload-identity-overview`],
  category: 'cluster',
  evaluate: (input) =>
    isTrue(p(input, 'securityProfile', 'workloadIdentity', 'enabled'))
      ? []
      : one('securityProfile.workloadIdentity.enabled', 'workload identity is off'),
});

export const oidcIssuerDisabled = defineConfigRule<AksClusterInput>({
  id: 'aks.oidc-issuer-disabled',
  severity: 'low',
  title: 'OIDC issuer is not enabled',
  description: 'The OIDC issuer is what lets Entra ID trust service account tokens (workload identity).',
  remediation: 'az aks update --enable-oidc-issuer.',
  references: [`${DOCS}/use-oidc-issuer`],
  category: 'cluster',
  evaluate: (input) =>
    isTrue(p(input, 'oidcIssuerProfile', 'enabled'))
      ? []
      : one('oidcIssuerProfile.enabled', 'the OIDC issuer is off'),
});

export const imageCleanerDisabled = defineConfigRule<AksClusterInput>({
  id: 'aks.image-cleaner-disabled',
  severity: 'low',
  title: 'Image Cleaner is not enabled',
  description: 'Unused images with known vulnerabilities stay on the nodes and can be started again.',
  remediation: 'az aks update --enable-image-cleaner.',
  references: [`${DOCS}/image-cleaner`],
  category: 'cluster',
  evaluate: (input) =>
    isTrue(p(input, 'securityProfile', 'imageCleaner', 'enabled'))
      ? []
      : one('securityProfile.imageCleaner.enabled', 'Image Cleaner is off'),
});

export const autoUpgradeDisabled = defineConfigRule<AksClusterInput>({
  id: 'aks.auto-upgrade-disabled',
  severity: 'medium',
  title: 'Cluster auto-upgrade channel is not set',
  description:
    'Without an upgrade channel, Kubernetes patch releases with security fixes are applied by hand, if ever.',
  remediation: 'az aks update --auto-upgrade-channel patch (or stable).',
  references: [`${DOCS}/auto-upgrade-cluster`],
  category: 'cluster',
  evaluate(input) {
    const channel = stringProp(input.cluster.properties, 'autoUpgradeProfile', 'upgradeChannel');
    return channel && channel.toLowerCase() !== 'none'
      ? []
      : one('autoUpgradeProfile.upgradeChannel', `auto-upgrade channel is ${channel ?? 'not set'}`);
  },
});

export const nodeOsUpgradeDisabled = defineConfigRule<AksClusterInput>({
  id: 'aks.node-os-upgrade-disabled',
  severity: 'medium',
  title: 'Node OS security patches are not applied automatically',
  description:
    'The node OS upgrade channel decides how kernel and OS security patches reach the nodes; None and ' +
    'Unmanaged leave nodes unpatched or patched without reimage coordination.',
  remediation: 'az aks update --node-os-upgrade-channel NodeImage (or SecurityPatch).',
  references: [`${DOCS}/auto-upgrade-node-os-image`],
  category: 'cluster',
  evaluate(input) {
    const channel = stringProp(input.cluster.properties, 'autoUpgradeProfile', 'nodeOSUpgradeChannel');
    const ok = channel !== undefined && ['nodeimage', 'securitypatch'].includes(channel.toLowerCase());
    return ok
      ? []
      : one('autoUpgradeProfile.nodeOSUpgradeChannel', `node OS upgrade channel is ${channel ?? 'not set'}`);
  },
});

export const kubernetesVersionUnsupported = defineConfigRule<AksClusterInput>({
  id: 'aks.kubernetes-version-unsupported',
  severity: 'high',
  title: 'Kubernetes version is out of support',
  description: 'Minor versions out of AKS support receive no security fixes.',
  remediation: 'Upgrade the control plane and node pools to a supported minor (az aks get-upgrades).',
  references: [`${DOCS}/supported-kubernetes-versions`],
  category: 'cluster',
  evaluate(input) {
    const field =
      stringProp(input.cluster.properties, 'currentKubernetesVersion') !== undefined
        ? 'currentKubernetesVersion'
        : 'kubernetesVersion';
    const version = stringProp(input.cluster.properties, field);
    if (version === undefined) return [];
    const minor = /^v?(\d+\.\d+)/.exec(version)?.[1];
    if (minor !== undefined && input.settings.supportedMinors.includes(minor)) return [];
    return one(
      field,
      `Kubernetes ${version} is not in the supported minors ${input.settings.supportedMinors.join(', ')}`,
    );
  },
});

export const kmsDisabled = defineConfigRule<AksClusterInput>({
  id: 'aks.kms-disabled',
  severity: 'medium',
  title: 'Secrets in etcd are not encrypted with a Key Vault key',
  description:
    'KMS etcd encryption encrypts Secrets with a key you control in Azure Key Vault, which you can rotate or ' +
    'revoke, instead of only platform-managed disk encryption.',
  remediation: 'az aks update --enable-azure-keyvault-kms --azure-keyvault-kms-key-id <key>.',
  references: [`${DOCS}/use-kms-etcd-encryption`],
  category: 'cluster',
  evaluate: (input) =>
    isTrue(p(input, 'securityProfile', 'azureKeyVaultKms', 'enabled'))
      ? []
      : one('securityProfile.azureKeyVaultKms.enabled', 'KMS etcd encryption (azureKeyVaultKms) is off'),
});

/** Every cluster-level AKS rule, in report order. */
export const AKS_CLUSTER_RULES: readonly ConfigRule<AksClusterInput>[] = [
  apiServerPublicUnrestricted,
  privateClusterDisabled,
  localAccountsEnabled,
  entraIdDisabled,
  azureRbacDisabled,
  kubernetesRbacDisabled,
  networkPolicyMissing,
  azurePolicyDisabled,
  defenderDisabled,
  workloadIdentityDisabled,
  oidcIssuerDisabled,
  imageCleanerDisabled,
  autoUpgradeDisabled,
  nodeOsUpgradeDisabled,
  kubernetesVersionUnsupported,
  kmsDisabled,
];
