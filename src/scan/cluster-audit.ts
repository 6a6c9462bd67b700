// `kubeward cluster audit`: read AKS, kubelet, kube-apiserver and EncryptionConfiguration files, run the
// configuration rules of checks/cluster, and return one Report.
import { readFile, stat } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';
import type { Clock } from '../core/clock.js';
import { InputError, UsageError, errorMessage } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import { sortFindings } from '../core/finding.js';
import { DEFAULT_LIMITS } from '../core/limits.js';
import type { InputProblem, Report } from '../core/report.js';
import type { AksNodePool } from '../checks/cluster/index.js';
import {
  APISERVER_RULES,
  DEFAULT_SUPPORTED_MINORS,
  ENCRYPTION_RULES,
  KUBELET_RULES,
  apiserverName,
  auditAks,
  clusterRuleMetas,
  readAksClusters,
  readApiserverManifest,
  readEncryptionConfig,
  readKubeletConfig,
  readNodePools,
  runConfigRules,
} from '../checks/cluster/index.js';
import { TOOL_VERSION } from './version.js';

export interface ClusterAuditOptions {
  aks?: string;
  nodepools?: string;
  kubelet?: string;
  apiserver?: string;
  encryptionConfig?: string;
  /** Supported Kubernetes minors (`1.33`); defaults to DEFAULT_SUPPORTED_MINORS. */
  supportedMinors?: readonly string[];
  clock: Clock;
}

/** Every document of a JSON or YAML file (JSON is YAML); a file that parses to nothing is an input error. */
export async function readConfigDocuments(file: string): Promise<unknown[]> {
  let text: string;
  try {
    const info = await stat(file);
    if (info.size > DEFAULT_LIMITS.maxFileBytes)
      throw new InputError(`${file}: larger than ${DEFAULT_LIMITS.maxFileBytes} bytes`, { code: 'LIMIT' });
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(
      `${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`,
      {
        cause: error,
      },
    );
  }
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  const out: unknown[] = [];
  for (const doc of list) {
    if (doc.errors.length > 0) throw new InputError(`${file}: ${doc.errors[0]?.message ?? 'cannot parse'}`);
    const value: unknown = doc.toJS({ maxAliasCount: DEFAULT_LIMITS.maxAliasCount });
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

export async function auditCluster(options: ClusterAuditOptions): Promise<Report> {
  const { aks, nodepools, kubelet, apiserver, encryptionConfig } = options;
  if (!aks && !nodepools && !kubelet && !apiserver && !encryptionConfig)
    throw new UsageError(
      'give at least one of --aks, --nodepools, --kubelet, --apiserver, --encryption-config',
    );
  const findings: Finding[] = [];
  const problems: InputProblem[] = [];
  const inputs: string[] = [];
  let objects = 0;
  const prefixes: string[] = [];
  const settings = { supportedMinors: options.supportedMinors ?? DEFAULT_SUPPORTED_MINORS };

  if (aks || nodepools) {
    prefixes.push('aks.');
    const clusters = aks ? (await readConfigDocuments(aks)).flatMap(readAksClusters) : [];
    if (aks) {
      inputs.push(aks);
      if (clusters.length === 0) throw new InputError(`${aks}: no AKS managed cluster found`);
    }
    let pools: AksNodePool[] = [];
    if (nodepools) {
      inputs.push(nodepools);
      pools = (await readConfigDocuments(nodepools)).flatMap(readNodePools);
      if (pools.length === 0) problems.push({ file: nodepools, message: 'no node pools found' });
    }
    const files = { ...(aks ? { aks } : {}), ...(nodepools ? { nodepools } : {}) };
    if (clusters.length === 0) findings.push(...auditAks(undefined, pools, settings, files));
    for (const cluster of clusters) findings.push(...auditAks(cluster, pools, settings, files));
    objects += clusters.length + pools.length;
  }
  if (kubelet) {
    prefixes.push('node.');
    inputs.push(kubelet);
    const configs = (await readConfigDocuments(kubelet)).flatMap((d) => readKubeletConfig(d) ?? []);
    if (configs.length === 0)
      throw new InputError(`${kubelet}: no KubeletConfiguration or /configz answer found`);
    for (const config of configs)
      findings.push(
        ...runConfigRules(KUBELET_RULES, config, { kind: 'KubeletConfiguration', name: 'kubelet' }, kubelet),
      );
    objects += configs.length;
  }
  if (apiserver) {
    prefixes.push('apiserver.');
    inputs.push(apiserver);
    const docs = await readConfigDocuments(apiserver);
    let found = 0;
    for (const doc of docs) {
      const input = readApiserverManifest(doc);
      if (!input) continue;
      found += 1;
      findings.push(
        ...runConfigRules(
          APISERVER_RULES,
          input,
          { kind: 'Pod', name: apiserverName(doc), namespace: 'kube-system' },
          apiserver,
        ),
      );
    }
    if (found === 0) throw new InputError(`${apiserver}: no kube-apiserver static pod found`);
    objects += found;
  }
  if (encryptionConfig) {
    prefixes.push('encryption.');
    inputs.push(encryptionConfig);
    const configs = (await readConfigDocuments(encryptionConfig)).flatMap(
      (d) => readEncryptionConfig(d) ?? [],
    );
    if (configs.length === 0) throw new InputError(`${encryptionConfig}: no EncryptionConfiguration found`);
    for (const config of configs)
      findings.push(
        ...runConfigRules(
          ENCRYPTION_RULES,
          config,
          { kind: 'EncryptionConfiguration', name: 'encryption-config' },
          encryptionConfig,
        ),
      );
    objects += configs.length;
  }
  return {
    tool: { name: 'kubeward', version: TOOL_VERSION },
    generatedAt: options.clock.now().toISOString(),
    inputs,
    findings: sortFindings(findings),
    rules: clusterRuleMetas(prefixes),
    problems,
    stats: { objects, files: inputs.length },
  };
}
