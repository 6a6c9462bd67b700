// Table-driven: each fixture and the rule ids (with ARM/config field paths) it must produce; hardened
// fixtures produce none.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { auditCluster } from '../../../src/scan/cluster-audit.js';
import type { ClusterAuditOptions } from '../../../src/scan/cluster-audit.js';
import { fixedClock } from '../../../src/core/clock.js';
import { CLUSTER_CONFIG_RULES } from '../../../src/checks/cluster/index.js';

const F = join(import.meta.dirname, '..', '..', 'fixtures');
const aks = (f: string) => join(F, 'aks', f);
const node = (f: string) => join(F, 'node-config', f);

interface Case {
  name: string;
  input: Omit<ClusterAuditOptions, 'clock'>;
  /** `ruleId@field` that must be present. */
  expect: string[];
  /** Exactly these rule ids (set), when given. */
  exactRules?: string[];
}

const WEAK_AKS = [
  'aks.api-server-public-unrestricted@properties.apiServerAccessProfile.authorizedIpRanges',
  'aks.private-cluster-disabled@properties.apiServerAccessProfile.enablePrivateCluster',
  'aks.local-accounts-enabled@properties.disableLocalAccounts',
  'aks.entra-id-disabled@properties.aadProfile',
  'aks.azure-rbac-disabled@properties.aadProfile.enableAzureRbac',
  'aks.network-policy-missing@properties.networkProfile.networkPolicy',
  'aks.azure-policy-disabled@properties.addonProfiles.azurepolicy.enabled',
  'aks.defender-disabled@properties.securityProfile.defender.securityMonitoring.enabled',
  'aks.workload-identity-disabled@properties.securityProfile.workloadIdentity.enabled',
  'aks.oidc-issuer-disabled@properties.oidcIssuerProfile.enabled',
  'aks.image-cleaner-disabled@properties.securityProfile.imageCleaner.enabled',
  'aks.auto-upgrade-disabled@properties.autoUpgradeProfile.upgradeChannel',
  'aks.node-os-upgrade-disabled@properties.autoUpgradeProfile.nodeOSUpgradeChannel',
  'aks.kubernetes-version-unsupported@properties.currentKubernetesVersion',
  'aks.kms-disabled@properties.securityProfile.azureKeyVaultKms.enabled',
  'aks.nodepool-public-ip@properties.agentPoolProfiles[0].enableNodePublicIP',
  'aks.nodepool-ssh-enabled@properties.agentPoolProfiles[1].securityProfile.sshAccess',
  'aks.nodepool-trusted-launch-disabled@properties.agentPoolProfiles[0].securityProfile.enableSecureBoot',
  'aks.nodepool-trusted-launch-disabled@properties.agentPoolProfiles[0].securityProfile.enableVTPM',
  'aks.nodepool-encryption-at-host-disabled@properties.agentPoolProfiles[1].enableEncryptionAtHost',
  'aks.nodepool-os-disk-not-ephemeral@properties.agentPoolProfiles[0].osDiskType',
  'aks.nodepool-os-sku-outdated@properties.agentPoolProfiles[0].osSKU',
  'aks.nodepool-fips-disabled@properties.agentPoolProfiles[0].enableFIPS',
];

const cases = [
  { name: 'hardened AKS (az aks show)', input: { aks: aks('hardened-az.json') }, expect: [], exactRules: [] },
  {
    name: 'hardened AKS (ARM resource, mixed-case names)',
    input: { aks: aks('hardened-arm.json') },
    expect: [],
    exactRules: [],
  },
  { name: 'weak AKS (az aks show)', input: { aks: aks('weak-az.json') }, expect: WEAK_AKS },
  {
    name: 'weak AKS (ARM resource, mixed-case names)',
    input: { aks: aks('weak-arm.json') },
    expect: WEAK_AKS,
  },
  {
    name: 'weak AKS with az aks nodepool list',
    input: { aks: aks('weak-arm.json'), nodepools: aks('weak-nodepools.json') },
    expect: [
      'aks.nodepool-public-ip@properties.enableNodePublicIP',
      'aks.nodepool-ssh-enabled@properties.securityProfile.sshAccess',
    ],
  },
  {
    name: 'supported versions table is configurable',
    input: { aks: aks('weak-az.json'), supportedMinors: ['1.29'] },
    expect: [],
  },
  { name: 'hardened kubelet', input: { kubelet: node('kubelet-hardened.yaml') }, expect: [], exactRules: [] },
  {
    name: 'weak kubelet',
    input: { kubelet: node('kubelet-weak.yaml') },
    expect: [
      'node.kubelet-anonymous-auth@authentication.anonymous.enabled',
      'node.kubelet-authorization-mode@authorization.mode',
      'node.kubelet-read-only-port@readOnlyPort',
      'node.kubelet-certificate-rotation@rotateCertificates',
      'node.kubelet-certificate-rotation@serverTLSBootstrap',
      'node.kubelet-protect-kernel-defaults@protectKernelDefaults',
      'node.kubelet-streaming-timeout@streamingConnectionIdleTimeout',
      'node.kubelet-event-qps@eventRecordQPS',
      'node.kubelet-weak-ciphers@tlsCipherSuites',
    ],
  },
  {
    name: 'kubelet /configz',
    input: { kubelet: node('configz-weak.json') },
    expect: [
      'node.kubelet-anonymous-auth@kubeletconfig.authentication.anonymous.enabled',
      'node.kubelet-read-only-port@kubeletconfig.readOnlyPort',
    ],
    exactRules: [
      'node.kubelet-anonymous-auth',
      'node.kubelet-certificate-rotation',
      'node.kubelet-read-only-port',
    ],
  },
  {
    name: 'hardened kube-apiserver',
    input: { apiserver: node('apiserver-hardened.yaml') },
    expect: [],
    exactRules: [],
  },
  {
    name: 'weak kube-apiserver',
    input: { apiserver: node('apiserver-weak.yaml') },
    expect: [
      'apiserver.authorization-always-allow@spec.containers[0].command[2]',
      'apiserver.authorization-node-missing@spec.containers[0].command[2]',
      'apiserver.authorization-rbac-missing@spec.containers[0].command[2]',
      'apiserver.node-restriction-missing@spec.containers[0].command[3]',
      'apiserver.insecure-port@spec.containers[0].command[5]',
      'apiserver.anonymous-auth@spec.containers[0].command[--anonymous-auth]',
      'apiserver.encryption-provider-config-missing@spec.containers[0].command[--encryption-provider-config]',
      'apiserver.audit-log@spec.containers[0].command[7]',
      'apiserver.audit-log@spec.containers[0].command[--audit-policy-file]',
      'apiserver.profiling@spec.containers[0].command[--profiling]',
    ],
  },
  {
    name: 'KMS v2 encryption',
    input: { encryptionConfig: node('encryption-kms-v2.yaml') },
    expect: [],
    exactRules: [],
  },
  {
    name: 'identity first',
    input: { encryptionConfig: node('encryption-identity-first.yaml') },
    expect: ['encryption.identity-first@resources[0].providers[0]'],
    exactRules: ['encryption.identity-first'],
  },
  {
    name: 'aescbc',
    input: { encryptionConfig: node('encryption-aescbc.yaml') },
    expect: ['encryption.aescbc-provider@resources[0].providers[0].aescbc'],
    exactRules: ['encryption.aescbc-provider'],
  },
  {
    name: 'secrets not covered',
    input: { encryptionConfig: node('encryption-configmaps-only.yaml') },
    expect: ['encryption.secrets-not-covered@resources'],
    exactRules: ['encryption.secrets-not-covered'],
  },
  {
    name: 'KMS v1',
    input: { encryptionConfig: node('encryption-kms-v1.yaml') },
    expect: ['encryption.kms-v1@resources[0].providers[0].kms.apiVersion'],
    exactRules: ['encryption.kms-v1'],
  },
] satisfies Case[];

for (const c of cases)
  test(`cluster audit: ${c.name}`, async () => {
    const report = await auditCluster({ ...c.input, clock: fixedClock('2026-11-28T12:00:00Z') });
    const got = new Set(report.findings.map((f) => `${f.ruleId}@${f.target.field ?? ''}`));
    for (const e of c.expect) assert.ok(got.has(e), `missing ${e}; got ${[...got].join(', ')}`);
    const exact: readonly string[] | undefined = 'exactRules' in c ? c.exactRules : undefined;
    if (exact) assert.deepEqual([...new Set(report.findings.map((f) => f.ruleId))].sort(), [...exact].sort());
    const fingerprints = report.findings.map((f) => f.fingerprint);
    assert.equal(new Set(fingerprints).size, fingerprints.length, 'fingerprints are unique');
  });

test('every config rule has docs, a reference, an area prefix, and node/apiserver/encryption rules a CIS id', () => {
  const ids = CLUSTER_CONFIG_RULES.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const rule of CLUSTER_CONFIG_RULES) {
    assert.ok(rule.references.length > 0, rule.id);
    if (rule.id.startsWith('aks.'))
      assert.ok(
        rule.references.some((r) => r.startsWith('https://learn.microsoft.com/')),
        rule.id,
      );
    else assert.match(rule.cis ?? '', /^\d+\.\d+\.\d+$/, rule.id);
  }
});

test('kubelet anonymous auth maps to CIS 4.2.1 in properties.cis', async () => {
  const report = await auditCluster({
    kubelet: node('kubelet-weak.yaml'),
    clock: fixedClock('2026-11-28T12:00:00Z'),
  });
  const anonymous = report.findings.find((f) => f.ruleId === 'node.kubelet-anonymous-auth');
  assert.equal(anonymous?.properties?.['cis'], '4.2.1');
});
