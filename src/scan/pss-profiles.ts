import type { K8sObject } from '../k8s/object.js';

/** The Pod Security admission modes a namespace can label, plus `scan` for the level given on the command line. */
export type PssMode = 'enforce' | 'audit' | 'warn' | 'scan';
export type PssLevelName = 'privileged' | 'baseline' | 'restricted';

export interface PssProfile {
  mode: PssMode;
  level: PssLevelName;
  /** `latest` or `v1.N`. */
  version: string;
}

const LABEL_PREFIX = 'pod-security.kubernetes.io/';
const MODES = ['enforce', 'audit', 'warn'] as const;
const LEVELS = new Set<string>(['privileged', 'baseline', 'restricted']);

/**
 * The profiles a pod in this namespace is judged by. With Pod Security labels on the Namespace, exactly the
 * labelled modes (an unlabelled mode admits everything, as PodSecurity's default `privileged` does). Like the
 * admission controller, an invalid level falls back to `restricted` and an invalid version to `latest`.
 */
export function profilesForNamespace(namespace: K8sObject | undefined, fallback: PssProfile): PssProfile[] {
  const labels = namespace?.metadata.labels ?? {};
  const profiles: PssProfile[] = [];
  for (const mode of MODES) {
    const level = labels[`${LABEL_PREFIX}${mode}`];
    if (level === undefined) continue;
    const version = labels[`${LABEL_PREFIX}${mode}-version`];
    profiles.push({
      mode,
      level: LEVELS.has(level) ? (level as PssLevelName) : 'restricted',
      version: version !== undefined && /^(latest|v1\.\d+)$/.test(version) ? version : 'latest',
    });
  }
  return profiles.length > 0 ? profiles : [fallback];
}
