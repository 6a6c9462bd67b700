// Rules over configuration documents (AKS resources, kubelet, kube-apiserver, EncryptionConfiguration).
// They are not Kubernetes object checks: a rule is metadata plus a pure function of a parsed config that
// returns violations naming the field path as written in the source (the ARM path for AKS).
import type { FindingTarget, RuleMeta } from '../../core/finding.js';
import type { JsonObject } from '../../k8s/object.js';
import { isObject } from '../../k8s/object.js';

export interface ConfigRule<T> extends RuleMeta {
  /** CIS Kubernetes Benchmark recommendation id (v1.8 numbering unless `cisVersion` says otherwise). */
  cis?: string;
  cisVersion?: string;
  evaluate(input: T): ConfigViolation[];
}

export interface ConfigViolation {
  message: string;
  /** Dotted path of the offending (or missing) field, e.g. `properties.apiServerAccessProfile.authorizedIpRanges`. */
  field: string;
  /** Overrides the document target (a node pool inside a cluster). */
  target?: Pick<FindingTarget, 'kind' | 'name'>;
}

export function defineConfigRule<T>(rule: ConfigRule<T>): ConfigRule<T> {
  if (!/^(aks|node|apiserver|encryption)\.[a-z0-9-]+$/.test(rule.id))
    throw new Error(`config rule id "${rule.id}" is not area.kebab-case`);
  if (!rule.title || !rule.description || !rule.remediation || rule.references.length === 0)
    throw new Error(`config rule ${rule.id} lacks docs`);
  return rule;
}

/** The RuleMeta part of a rule, for Report.rules. */
export function ruleMetaOf(rule: RuleMeta): RuleMeta {
  const { id, severity, title, description, remediation, references, category } = rule;
  return { id, severity, title, description, remediation, references, category };
}

/** Property lookup ignoring case, as Azure Resource Manager matches property names. */
export function prop(value: unknown, ...keys: readonly string[]): unknown {
  let current: unknown = value;
  for (const key of keys) {
    if (!isObject(current)) return undefined;
    if (Object.hasOwn(current, key)) {
      current = current[key];
      continue;
    }
    const lower = key.toLowerCase();
    const found = Object.keys(current).find((k) => k.toLowerCase() === lower);
    current = found === undefined ? undefined : current[found];
  }
  return current;
}

export function objectProp(value: unknown, ...keys: readonly string[]): JsonObject | undefined {
  const found = prop(value, ...keys);
  return isObject(found) ? found : undefined;
}

/** `true` for true and "true" (ARM templates and exports sometimes carry strings). */
export function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.toLowerCase() === 'true');
}

export function isFalse(value: unknown): boolean {
  return value === false || (typeof value === 'string' && value.toLowerCase() === 'false');
}

export function stringProp(value: unknown, ...keys: readonly string[]): string | undefined {
  const found = prop(value, ...keys);
  return typeof found === 'string' ? found : undefined;
}
