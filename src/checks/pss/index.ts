/**
 * Pod Security Standards, evaluated the way Kubernetes' built-in PodSecurity admission does: every check is
 * versioned by policy version (v1.0 to the newest), baseline checks also run at restricted unless a restricted
 * check overrides them, and `latest` (or any newer version) means the newest known policy version.
 */
import type { RuleMeta } from '../../core/finding.js';
import type { PssCheck, PssCheckMeta, PssLevel } from './types.js';
import type { PssPod, PssViolation } from './registry.js';
import { createPssRegistry } from './registry.js';
import type { PssVersion } from './version.js';
import { allowPrivilegeEscalation } from './allow-privilege-escalation.js';
import { apparmor } from './apparmor.js';
import { capabilitiesBaseline } from './capabilities-baseline.js';
import { capabilitiesRestricted } from './capabilities-restricted.js';
import { hostNamespaces } from './host-namespaces.js';
import { hostPathVolumes } from './host-path-volumes.js';
import { hostPorts } from './host-ports.js';
import { hostProbesLifecycle } from './host-probes-lifecycle.js';
import { privileged } from './privileged.js';
import { procMount } from './proc-mount.js';
import { procMountRestricted } from './proc-mount-restricted.js';
import { restrictedVolumes } from './restricted-volumes.js';
import { runAsNonRoot } from './run-as-non-root.js';
import { runAsUser } from './run-as-user.js';
import { seccompProfileBaseline } from './seccomp-profile-baseline.js';
import { seccompProfileRestricted } from './seccomp-profile-restricted.js';
import { selinuxOptions } from './selinux-options.js';
import { sysctls } from './sysctls.js';
import { windowsHostProcess } from './windows-host-process.js';

export type {
  PssCheck,
  PssCheckMeta,
  PssCheckResult,
  PssCheckVersion,
  PssEvaluate,
  PssLevel,
} from './types.js';
export type { PssCheckLevel, PssPodMeta } from './types.js';
export { PSS_LEVELS, isPssLevel } from './types.js';
export type { PssPod, PssRegistry, PssViolation } from './registry.js';
export { createPssRegistry } from './registry.js';
export type { PssVersion } from './version.js';
export { PSS_LATEST, formatPssVersion, parsePssVersion, pssVersion } from './version.js';

/** The one explicit list of Pod Security Standards checks. */
export const PSS_CHECK_DEFINITIONS: readonly PssCheck[] = [
  // baseline
  apparmor,
  capabilitiesBaseline,
  hostNamespaces,
  hostPathVolumes,
  hostPorts,
  hostProbesLifecycle,
  privileged,
  procMount,
  seccompProfileBaseline,
  selinuxOptions,
  sysctls,
  windowsHostProcess,
  // restricted
  allowPrivilegeEscalation,
  capabilitiesRestricted,
  procMountRestricted,
  restrictedVolumes,
  runAsNonRoot,
  runAsUser,
  seccompProfileRestricted,
];

const registry = createPssRegistry(PSS_CHECK_DEFINITIONS);

/** The newest policy version the checks know, e.g. `v1.37`; `latest` evaluates as this version. */
export const LATEST_PSS_VERSION: string = registry.latestVersion;

/** Metadata of every check, for reports (baseline first, each level sorted by id). */
export const PSS_CHECKS: readonly PssCheckMeta[] = registry.checks;

/** RuleMeta of every check (for SARIF and HTML rule lists). */
export function pssRuleMeta(): RuleMeta[] {
  return PSS_CHECKS.map((check) => ({
    id: check.id,
    severity: check.severity,
    title: check.title,
    description: check.description,
    remediation: check.remediation,
    references: check.references,
    category: check.category,
  }));
}

/** Checks that run for a level and version, in evaluation order (restricted overrides applied). */
export function pssChecksFor(level: PssLevel, version: PssVersion): PssCheckMeta[] {
  return registry.checksFor(level, version);
}

/**
 * Evaluate one pod (or pod template) against a level and policy version. Privileged yields no violations.
 * Never throws on a malformed pod; a check that fails on one anyway reports a violation (fail closed).
 */
export function evaluatePodSecurity(pod: PssPod, level: PssLevel, version: PssVersion): PssViolation[] {
  return registry.evaluate(pod, level, version);
}

/**
 * Resolve a violation field to a path from the object root, given the pod spec's path (PodView.specPath):
 * spec-relative fields are appended, `metadata.…` fields go to the pod (template) metadata beside the spec.
 */
export function pssFieldPath(specPath: string, field: string): string {
  if (field === 'metadata' || field.startsWith('metadata.') || field.startsWith('metadata[')) {
    const parent =
      specPath === 'spec' ? '' : specPath.endsWith('.spec') ? specPath.slice(0, -'.spec'.length) : '';
    return parent ? `${parent}.${field}` : field;
  }
  return specPath ? `${specPath}.${field}` : field;
}
