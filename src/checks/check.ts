import type { RuleMeta } from '../core/finding.js';
import type { K8sObject } from '../k8s/object.js';
import type { PodView } from '../k8s/pod-spec.js';
import type { ManifestSet } from '../k8s/manifest-set.js';

/** One thing wrong, as a check sees it. The scan pipeline turns violations into findings. */
export interface Violation {
  /** One line, specific to this instance. Never include a secret value. */
  message: string;
  /** Dotted field path from the object root. */
  field?: string;
  container?: string;
  /** For set checks: the object the violation is about (defaults to the evaluated object). */
  object?: K8sObject;
}

/** Settings that checks read; filled from kubeward.yaml with defaults (see scan/config.ts). */
export interface CheckSettings {
  /** Registries (host or host/path prefix globs) images may come from; empty disables the allow-list check. */
  allowedRegistries: string[];
  /** Namespace globs whose workloads are untrusted tenants and need sandboxing or dedicated nodes. */
  untrustedNamespaces: string[];
  /** runtimeClassName values that count as a sandbox (Kata, gVisor, ...). */
  sandboxRuntimeClasses: string[];
}

export interface CheckContext {
  settings: CheckSettings;
}

/** A check over one pod (or pod template) of any workload kind. */
export interface PodCheck extends RuleMeta {
  scope: 'pod';
  evaluate(pod: PodView, ctx: CheckContext): Violation[];
}

/** A check over each object of the listed kinds. */
export interface ObjectCheck extends RuleMeta {
  scope: 'object';
  kinds: readonly string[];
  evaluate(object: K8sObject, ctx: CheckContext): Violation[];
}

/** A check over the whole input set (tenancy, cross-object relations). Violations must name their object. */
export interface SetCheck extends RuleMeta {
  scope: 'set';
  evaluate(set: ManifestSet, ctx: CheckContext): (Violation & { object: K8sObject })[];
}

export type Check = PodCheck | ObjectCheck | SetCheck;

/** Identity helper that keeps each check file's literal typed and validated in one place. */
export function defineCheck<T extends Check>(check: T): T {
  if (!/^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$/.test(check.id))
    throw new Error(`check id "${check.id}" is not dotted kebab-case`);
  if (!check.title || !check.description || !check.remediation)
    throw new Error(`check ${check.id} lacks docs`);
  return check;
}
