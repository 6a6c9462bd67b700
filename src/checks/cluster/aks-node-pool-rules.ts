// Spec: AKS node pool hardening (node public IPs, SSH, Trusted Launch, encryption at host, OS disk, OS SKU,
// FIPS), read from agentPoolProfiles or agentPools resources, property names matched without regard to case.
import type { ConfigRule, ConfigViolation } from './config-rule.js';
import { defineConfigRule, isTrue, prop, stringProp } from './config-rule.js';
import type { AksNodePool } from './aks-model.js';

const DOCS = 'https://learn.microsoft.com/azure/aks';

function at(pool: AksNodePool, field: string, message: string): ConfigViolation {
  return {
    field: `${pool.path}.${field}`,
    message: `node pool "${pool.name}": ${message}`,
    target: { kind: 'AgentPool', name: pool.name },
  };
}

const isWindows = (pool: AksNodePool) => stringProp(pool.properties, 'osType')?.toLowerCase() === 'windows';

export const nodePoolPublicIp = defineConfigRule<AksNodePool>({
  id: 'aks.nodepool-public-ip',
  severity: 'high',
  title: 'Node pool nodes have public IP addresses',
  description:
    'Nodes with public IPs expose the kubelet, SSH and every hostPort or NodePort to the internet.',
  remediation:
    'Recreate the pool without --enable-node-public-ip; use a NAT gateway or load balancer for egress.',
  references: [`${DOCS}/use-node-public-ips`],
  category: 'cluster',
  evaluate: (pool) =>
    isTrue(prop(pool.properties, 'enableNodePublicIP'))
      ? [at(pool, 'enableNodePublicIP', 'nodes get public IP addresses')]
      : [],
});

export const nodePoolSshEnabled = defineConfigRule<AksNodePool>({
  id: 'aks.nodepool-ssh-enabled',
  severity: 'medium',
  title: 'SSH access to nodes is enabled',
  description: 'SSH keys on nodes are long-lived credentials to the node and everything that runs on it.',
  remediation:
    'az aks nodepool update --ssh-access disabled; debug nodes with kubectl debug node/... instead.',
  references: [`${DOCS}/manage-ssh-node-access`],
  category: 'cluster',
  evaluate(pool) {
    if (isWindows(pool)) return [];
    const access = stringProp(pool.properties, 'securityProfile', 'sshAccess');
    return access?.toLowerCase() === 'disabled'
      ? []
      : [at(pool, 'securityProfile.sshAccess', `SSH access is ${access ?? 'not set (LocalUser)'}`)];
  },
});

export const nodePoolTrustedLaunchDisabled = defineConfigRule<AksNodePool>({
  id: 'aks.nodepool-trusted-launch-disabled',
  severity: 'medium',
  title: 'Trusted Launch (secure boot, vTPM) is not enabled',
  description:
    'Secure boot refuses unsigned boot loaders, kernels and drivers; the vTPM measures the boot chain. Without ' +
    'them, a rootkit planted on the node survives reboots undetected.',
  remediation: 'Create the pool with --enable-secure-boot --enable-vtpm (Gen 2 VM sizes).',
  references: [`${DOCS}/use-trusted-launch`],
  category: 'cluster',
  evaluate(pool) {
    const out: ConfigViolation[] = [];
    if (!isTrue(prop(pool.properties, 'securityProfile', 'enableSecureBoot')))
      out.push(at(pool, 'securityProfile.enableSecureBoot', 'secure boot is off'));
    if (!isTrue(prop(pool.properties, 'securityProfile', 'enableVTPM')))
      out.push(at(pool, 'securityProfile.enableVTPM', 'vTPM is off'));
    return out;
  },
});

export const nodePoolEncryptionAtHostDisabled = defineConfigRule<AksNodePool>({
  id: 'aks.nodepool-encryption-at-host-disabled',
  severity: 'medium',
  title: 'Encryption at host is not enabled',
  description:
    'Without encryption at host, temp disks and OS/data disk caches on the VM host are not encrypted at rest.',
  remediation: 'Create the pool with --enable-encryption-at-host.',
  references: [`${DOCS}/enable-host-encryption`],
  category: 'cluster',
  evaluate: (pool) =>
    isTrue(prop(pool.properties, 'enableEncryptionAtHost'))
      ? []
      : [at(pool, 'enableEncryptionAtHost', 'encryption at host is off')],
});

export const nodePoolOsDiskManaged = defineConfigRule<AksNodePool>({
  id: 'aks.nodepool-os-disk-not-ephemeral',
  severity: 'low',
  title: 'OS disk is not ephemeral',
  description:
    'Ephemeral OS disks live on the VM host and vanish on reimage, so nothing an attacker wrote to the OS disk ' +
    'survives a node reimage; they are also faster.',
  remediation:
    'Create the pool with --node-osdisk-type Ephemeral on a VM size with enough cache or temp disk.',
  references: [`${DOCS}/concepts-storage#ephemeral-os-disk`],
  category: 'cluster',
  evaluate(pool) {
    const type = stringProp(pool.properties, 'osDiskType');
    return type?.toLowerCase() === 'ephemeral'
      ? []
      : [at(pool, 'osDiskType', `OS disk type is ${type ?? 'not set (Managed)'}`)];
  },
});

/** OS SKUs that are current; CBLMariner (Azure Linux 2.0), Ubuntu 18.04/20.04 and Windows 2019 are not. */
const CURRENT_OS_SKUS = new Set([
  'ubuntu',
  'ubuntu2204',
  'ubuntu2404',
  'azurelinux',
  'azurelinux3',
  'windows2022',
  'windows2025',
]);

export const nodePoolOsSkuOutdated = defineConfigRule<AksNodePool>({
  id: 'aks.nodepool-os-sku-outdated',
  severity: 'medium',
  title: 'Node OS SKU is outdated',
  description: 'Node images of retired OS versions stop receiving security patches.',
  remediation:
    'Migrate the pool to AzureLinux (3.0) or Ubuntu (22.04/24.04): az aks nodepool update --os-sku.',
  references: [`${DOCS}/cluster-configuration#os-configuration`, `${DOCS}/upgrade-os-version`],
  category: 'cluster',
  evaluate(pool) {
    const sku = stringProp(pool.properties, 'osSKU');
    if (sku === undefined || CURRENT_OS_SKUS.has(sku.toLowerCase())) return [];
    return [at(pool, 'osSKU', `OS SKU ${sku} is retired or retiring`)];
  },
});

export const nodePoolFipsDisabled = defineConfigRule<AksNodePool>({
  id: 'aks.nodepool-fips-disabled',
  severity: 'info',
  title: 'FIPS-enabled node image is not used',
  description:
    'Workloads under FedRAMP or similar regimes need FIPS 140 validated cryptographic modules on the node.',
  remediation: 'Create the pool with --enable-fips-image when compliance requires it.',
  references: [`${DOCS}/enable-fips-nodes`],
  category: 'cluster',
  evaluate: (pool) =>
    isTrue(prop(pool.properties, 'enableFIPS')) ? [] : [at(pool, 'enableFIPS', 'FIPS image is off')],
});

export const AKS_NODE_POOL_RULES: readonly ConfigRule<AksNodePool>[] = [
  nodePoolPublicIp,
  nodePoolSshEnabled,
  nodePoolTrustedLaunchDisabled,
  nodePoolEncryptionAtHostDisabled,
  nodePoolOsDiskManaged,
  nodePoolOsSkuOutdated,
  nodePoolFipsDisabled,
];
