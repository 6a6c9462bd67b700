// Cluster configuration audit: AKS resources, kubelet config, kube-apiserver flags, EncryptionConfiguration.
// Pure: documents in, findings out. Reading files is scan/cluster-audit.ts's job.
import type { Finding, FindingTarget, RuleMeta } from '../../core/finding.js';
import { makeFinding } from '../../core/finding.js';
import type { JsonObject } from '../../k8s/object.js';
import { asArray, isObject } from '../../k8s/object.js';
import type { ConfigRule } from './config-rule.js';
import { objectProp, prop, ruleMetaOf, stringProp } from './config-rule.js';
import type { AksCluster, AksNodePool, AksSettings } from './aks-model.js';
import { poolsOfCluster } from './aks-model.js';
import { AKS_CLUSTER_RULES } from './aks-rules.js';
import { AKS_NODE_POOL_RULES } from './aks-node-pool-rules.js';
import type { KubeletInput } from './kubelet-rules.js';
import { KUBELET_RULES } from './kubelet-rules.js';
import type { ApiserverFlag, ApiserverInput } from './apiserver-rules.js';
import { APISERVER_RULES } from './apiserver-rules.js';
import type { EncryptionInput } from './encryption-rules.js';
import { ENCRYPTION_RULES } from './encryption-rules.js';

export type { ConfigRule, ConfigViolation } from './config-rule.js';
export { prop } from './config-rule.js';
export type { AksCluster, AksNodePool, AksSettings } from './aks-model.js';
export { DEFAULT_SUPPORTED_MINORS, readAksClusters, readNodePools, poolsOfCluster } from './aks-model.js';
export type { AksClusterInput } from './aks-rules.js';
export { AKS_CLUSTER_RULES } from './aks-rules.js';
export { AKS_NODE_POOL_RULES } from './aks-node-pool-rules.js';
export type { KubeletInput } from './kubelet-rules.js';
export { KUBELET_RULES } from './kubelet-rules.js';
export type { ApiserverFlag, ApiserverInput } from './apiserver-rules.js';
export { APISERVER_RULES } from './apiserver-rules.js';
export type { EncryptionInput } from './encryption-rules.js';
export { ENCRYPTION_RULES } from './encryption-rules.js';

/** Every configuration rule, for Report.rules and docs. */
export const CLUSTER_CONFIG_RULES: readonly ConfigRule<never>[] = [
  ...(AKS_CLUSTER_RULES as readonly ConfigRule<never>[]),
  ...(AKS_NODE_POOL_RULES as readonly ConfigRule<never>[]),
  ...(KUBELET_RULES as readonly ConfigRule<never>[]),
  ...(APISERVER_RULES as readonly ConfigRule<never>[]),
  ...(ENCRYPTION_RULES as readonly ConfigRule<never>[]),
];

export function clusterRuleMetas(prefixes?: readonly string[]): RuleMeta[] {
  return CLUSTER_CONFIG_RULES.filter((r) => !prefixes || prefixes.some((p) => r.id.startsWith(p))).map(
    ruleMetaOf,
  );
}

/** Run rules over one input; findings point at `file` and carry the CIS id when the rule has one. */
export function runConfigRules<T>(
  rules: readonly ConfigRule<T>[],
  input: T,
  target: FindingTarget,
  file: string,
): Finding[] {
  return rules.flatMap((rule) =>
    rule.evaluate(input).map((violation) =>
      makeFinding({
        ruleId: rule.id,
        severity: rule.severity,
        title: rule.title,
        detail: violation.message,
        category: rule.category,
        target: { ...target, ...violation.target, field: violation.field },
        location: { file, line: 1, column: 1 },
        remediation: rule.remediation,
        references: rule.references,
        ...(rule.cis !== undefined
          ? {
              properties: {
                cis: rule.cis,
                cisBenchmark: `CIS Kubernetes Benchmark v${rule.cisVersion ?? '1.7'}`,
              },
            }
          : {}),
      }),
    ),
  );
}

/** An AKS cluster with its pools: inline agentPoolProfiles plus pools read separately (those win by name). */
export function auditAks(
  cluster: AksCluster | undefined,
  extraPools: readonly AksNodePool[],
  settings: AksSettings,
  files: { aks?: string; nodepools?: string },
): Finding[] {
  const findings: Finding[] = [];
  const clusterName = cluster?.name ?? '(node pools)';
  if (cluster)
    findings.push(
      ...runConfigRules(
        AKS_CLUSTER_RULES,
        { cluster, settings },
        { kind: 'ManagedCluster', name: cluster.name },
        files.aks ?? '',
      ),
    );
  const separate = new Set(extraPools.map((p) => p.name));
  const inline = cluster ? poolsOfCluster(cluster).filter((p) => !separate.has(p.name)) : [];
  for (const pool of inline)
    findings.push(
      ...runConfigRules(AKS_NODE_POOL_RULES, pool, { kind: 'AgentPool', name: clusterName }, files.aks ?? ''),
    );
  for (const pool of extraPools)
    findings.push(
      ...runConfigRules(
        AKS_NODE_POOL_RULES,
        pool,
        { kind: 'AgentPool', name: clusterName },
        files.nodepools ?? files.aks ?? '',
      ),
    );
  return findings;
}

/** A KubeletConfiguration document or a `/configz` answer; undefined for anything else. */
export function readKubeletConfig(document: unknown): KubeletInput | undefined {
  if (!isObject(document)) return undefined;
  const configz = objectProp(document, 'kubeletconfig');
  if (configz) return { config: configz, base: 'kubeletconfig' };
  if (document['kind'] === 'KubeletConfiguration') return { config: document, base: '' };
  return undefined;
}

/** Flags of the kube-apiserver container of a static pod manifest (command then args). */
export function readApiserverManifest(document: unknown): ApiserverInput | undefined {
  if (!isObject(document) || document['kind'] !== 'Pod') return undefined;
  const containers = asArray(prop(document, 'spec', 'containers'));
  const index = containers.findIndex(
    (c) =>
      isObject(c) &&
      (c['name'] === 'kube-apiserver' ||
        asArray(c['command']).some((a) => typeof a === 'string' && /(^|\/)kube-apiserver$/.test(a))),
  );
  const container = containers[index];
  if (index < 0 || !isObject(container)) return undefined;
  const flags = new Map<string, ApiserverFlag>();
  for (const key of ['command', 'args'] as const) {
    const items = asArray(container[key]);
    items.forEach((item, i) => {
      if (typeof item !== 'string' || !item.startsWith('--')) return;
      const eq = item.indexOf('=');
      const name = eq < 0 ? item.slice(2) : item.slice(2, eq);
      const next = items[i + 1];
      const value =
        eq >= 0 ? item.slice(eq + 1) : typeof next === 'string' && !next.startsWith('--') ? next : 'true';
      flags.set(name, { value, field: `spec.containers[${index}].${key}[${i}]` });
    });
  }
  return { flags, commandField: `spec.containers[${index}].command` };
}

export function readEncryptionConfig(document: unknown): EncryptionInput | undefined {
  return isObject(document) && document['kind'] === 'EncryptionConfiguration'
    ? { config: document as JsonObject }
    : undefined;
}

export function apiserverName(document: unknown): string {
  return stringProp(document, 'metadata', 'name') ?? 'kube-apiserver';
}
