/**
 * The one table that places findings in the nine areas of the mission. Every finding a scorecard input
 * carries is placed by its rule id (first matching prefix wins, so the more specific prefixes come first);
 * findings whose rule id no prefix knows fall back to their `category`. Inputs that are not findings reports
 * place their findings by what they are (see KIND_AREAS).
 */
import type { AreaId, InputKind } from './model.js';

export interface AreaInfo {
  id: AreaId;
  title: string;
  description: string;
}

/** Titles and scope of the nine areas, in scorecard order. */
export const AREAS: readonly AreaInfo[] = [
  {
    id: 'build',
    title: 'Build',
    description: 'vulnerabilities of the images and directories scanned at build time (image scan, fs scan)',
  },
  {
    id: 'registry',
    title: 'Registry',
    description:
      'what the registry holds: vulnerabilities of stored images, signatures, unknown-origin and unsigned images',
  },
  {
    id: 'cluster',
    title: 'Cluster',
    description: 'AKS and control-plane configuration, encryption at rest, RBAC',
  },
  { id: 'node', title: 'Node', description: 'kubelet configuration and AKS node pools' },
  {
    id: 'isolation',
    title: 'Isolation',
    description: 'tenant isolation: quotas, default-deny policies, sandboxes, outside access per namespace',
  },
  {
    id: 'network',
    title: 'Network',
    description: 'NetworkPolicies, Services and Ingresses, Azure NSGs, verified reachability',
  },
  {
    id: 'workloads',
    title: 'Workloads and admission',
    description: 'Pod Security Standards and workload practices (what admission enforces)',
  },
  { id: 'runtime', title: 'Runtime', description: 'alerts from Kubernetes audit events' },
  {
    id: 'secrets',
    title: 'Secrets',
    description: 'secrets in manifests and repositories, and who can read them',
  },
];

/** Rule id prefix -> area. First match wins: keep specific prefixes above general ones. */
export const RULE_AREAS: readonly { prefix: string; area: AreaId }[] = [
  { prefix: 'aks.nodepool-', area: 'node' },
  { prefix: 'aks.', area: 'cluster' },
  { prefix: 'apiserver.', area: 'cluster' },
  { prefix: 'encryption.', area: 'cluster' },
  { prefix: 'rbac.', area: 'cluster' },
  { prefix: 'node.', area: 'node' },
  { prefix: 'tenancy.', area: 'isolation' },
  { prefix: 'network.', area: 'network' },
  { prefix: 'nsg.', area: 'network' },
  { prefix: 'netpol.', area: 'network' },
  { prefix: 'pss.', area: 'workloads' },
  { prefix: 'workload.', area: 'workloads' },
  // An expired exception in kubeward.yaml re-opens a workload finding.
  { prefix: 'config.', area: 'workloads' },
  { prefix: 'secrets-scan.', area: 'secrets' },
  { prefix: 'secrets.', area: 'secrets' },
  { prefix: 'runtime.', area: 'runtime' },
  { prefix: 'image.', area: 'registry' },
  { prefix: 'signature.', area: 'registry' },
];

/** Finding `category` -> area, for rule ids the prefix table does not know (rules added later). */
export const CATEGORY_AREAS: Readonly<Record<string, AreaId>> = {
  workloads: 'workloads',
  network: 'network',
  secrets: 'secrets',
  isolation: 'isolation',
  access: 'cluster',
  cluster: 'cluster',
  'control-plane': 'cluster',
  node: 'node',
  vulnerabilities: 'build',
};

/**
 * Report kind -> the areas it always assesses, whatever it found. A findings report assesses the areas of
 * the rules it ran instead (its `rules` list), because one format serves scan, cluster audit, secrets scan
 * and nsg lint.
 */
export const KIND_AREAS: Readonly<
  Record<Exclude<InputKind, 'findings-report' | 'store' | 'registry-drift'>, AreaId[]>
> = {
  'vulnerability-report': ['build'],
  'tenancy-report': ['isolation'],
  'runtime-alerts': ['runtime'],
  'signature-verification': ['registry'],
  'netpol-verification': ['network'],
};

/** What the store's records assess: image scans describe the registry's images, alerts the runtime. */
export const STORE_RECORD_AREAS = {
  imageScans: 'registry',
  alerts: 'runtime',
} as const satisfies Record<string, AreaId>;

/** The areas a posture snapshot of `serve` assesses: it runs the manifest checks over the live cluster. */
export const POSTURE_AREAS: readonly AreaId[] = ['workloads', 'isolation', 'network', 'secrets', 'cluster'];

/** The area of a rule id, by prefix then category; undefined when neither is known. */
export function areaOf(ruleId: string, category?: string): AreaId | undefined {
  for (const { prefix, area } of RULE_AREAS) if (ruleId.startsWith(prefix)) return area;
  return category !== undefined ? CATEGORY_AREAS[category] : undefined;
}
