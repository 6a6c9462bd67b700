/**
 * Best-practice and secrets checks at admission, each assigned an effect per namespace as Azure Policy
 * assignments are: deny (reject), warn (admit with a warning), audit (admit, record in an audit annotation) or
 * disabled. Assignments apply in order and, per check, the last one that matches the namespace wins, so a broad
 * assignment can be narrowed for one namespace after it.
 */
import { ConfigError } from '../core/errors.js';
import { globToRegExp, matchesAnyGlob } from '../core/glob.js';
import type { K8sObject } from '../k8s/object.js';
import type { PodView } from '../k8s/pod-spec.js';
import { buildManifestSet } from '../k8s/manifest-set.js';
import type { Check, CheckContext, CheckSettings, Violation } from '../checks/check.js';
import { CHECKS } from '../checks/index.js';
import type { CheckAssignment, Effect, WebhookConfig } from './config.js';
import { matchesSelector } from './label-selector.js';

/**
 * Set checks that judge an object by others in the same input (a NetworkPolicy, a ResourceQuota, the pod's
 * ServiceAccount). At admission only the one object is seen, so they would always fire: refused in assignments.
 */
export const CHECKS_NEEDING_OTHER_OBJECTS: ReadonlySet<string> = new Set([
  'tenancy.default-deny-ingress-missing',
  'tenancy.default-deny-egress-missing',
  'tenancy.resource-quota-missing',
  'tenancy.limit-range-missing',
  'workload.service-account-token-automount',
  // Network lint judges pods by the policies around them and policies by the pods they select.
  'network.pod-not-ingress-isolated',
  'network.pod-not-egress-isolated',
  'network.egress-isolated-without-dns',
  'network.policy-selects-nothing',
  'network.rule-never-matches',
]);

export const REGISTRY_CHECK_ID = 'workload.image-registry-not-allowed';

interface CompiledAssignment {
  checks: ReadonlySet<string>;
  effect: Effect;
  selector?: CheckAssignment['namespaceSelector'];
  namespaces?: RegExp[];
}

export interface CompiledChecks {
  settings: CheckSettings;
  /** The checks that apply in this namespace, with their effect (disabled ones left out); shared, never mutate. */
  effectsFor(
    namespace: string,
    labels: Readonly<Record<string, string>>,
  ): ReadonlyMap<Check, Exclude<Effect, 'disabled'>>;
}

export function compileChecks(config: WebhookConfig): CompiledChecks {
  const assignments: CheckAssignment[] = [];
  // The registry allow-list is an ordinary check with its own effect, placed first so assignments may override it.
  if (config.images.allowedRegistries.length > 0)
    assignments.push({ checks: [REGISTRY_CHECK_ID], effect: config.images.allowedRegistriesEffect });
  assignments.push(...config.checks.assignments);
  const compiled = assignments.map((a, index) => compileAssignment(a, index));
  const settings: CheckSettings = {
    ...config.checks.settings,
    allowedRegistries: [...config.checks.settings.allowedRegistries, ...config.images.allowedRegistries],
  };
  // The answer depends only on the namespace and its labels, which a cluster has few of: computed once each,
  // instead of walking every assignment and check on every review.
  const memo = new Map<string, Map<Check, Exclude<Effect, 'disabled'>>>();
  const compute = (namespace: string, labels: Readonly<Record<string, string>>) => {
    const effects = new Map<string, Effect>();
    for (const a of compiled) {
      if (a.selector && !matchesSelector(a.selector, labels)) continue;
      if (a.namespaces && !a.namespaces.some((re) => re.test(namespace))) continue;
      for (const id of a.checks) effects.set(id, a.effect);
    }
    const out = new Map<Check, Exclude<Effect, 'disabled'>>();
    for (const [id, effect] of effects) {
      const check = CHECKS.get(id);
      if (check && effect !== 'disabled') out.set(check, effect);
    }
    return out;
  };
  return {
    settings,
    effectsFor(namespace, labels) {
      const key = namespaceKey(namespace, labels);
      let effects = memo.get(key);
      if (!effects) {
        // Bounded: namespaces come and go, label values change; start over rather than grow without end.
        if (memo.size >= MAX_MEMO_ENTRIES) memo.clear();
        effects = compute(namespace, labels);
        memo.set(key, effects);
      }
      return effects;
    },
  };
}

const MAX_MEMO_ENTRIES = 4096;

/** Namespace name and labels as one unambiguous string (length-prefixed, labels in name order). */
function namespaceKey(namespace: string, labels: Readonly<Record<string, string>>): string {
  let key = `${namespace.length}:${namespace}`;
  for (const name of Object.keys(labels).sort()) {
    const value = labels[name] ?? '';
    key += `${name.length}:${name}${value.length}:${value}`;
  }
  return key;
}

function compileAssignment(a: CheckAssignment, index: number): CompiledAssignment {
  const ids = new Set<string>();
  for (const glob of a.checks) {
    const matched = CHECKS.keys().filter((id) => matchesAnyGlob(id, [glob]));
    if (matched.length === 0)
      throw new ConfigError(`checks.assignments[${index}]: "${glob}" matches no check (see kubeward rules)`);
    for (const id of matched) {
      if (!CHECKS_NEEDING_OTHER_OBJECTS.has(id)) ids.add(id);
      else if (!glob.includes('*') && !glob.includes('?'))
        throw new ConfigError(
          `checks.assignments[${index}]: ${id} judges an object by other objects and cannot run at admission`,
        );
    }
  }
  return {
    checks: ids,
    effect: a.effect,
    ...(a.namespaceSelector ? { selector: a.namespaceSelector } : {}),
    ...(a.namespaces ? { namespaces: a.namespaces.map((g) => globToRegExp(g)) } : {}),
  };
}

export interface CheckViolation {
  check: Check;
  effect: Exclude<Effect, 'disabled'>;
  violation: Violation;
}

/** Run the assigned checks on the one object under admission. */
export function runAssignedChecks(
  object: K8sObject,
  pod: PodView | undefined,
  effects: ReadonlyMap<Check, Exclude<Effect, 'disabled'>>,
  settings: CheckSettings,
): CheckViolation[] {
  const ctx: CheckContext = { settings };
  const out: CheckViolation[] = [];
  let set: ReturnType<typeof buildManifestSet> | undefined;
  for (const [check, effect] of effects) {
    let violations: Violation[] = [];
    try {
      switch (check.scope) {
        case 'pod':
          if (pod) violations = check.evaluate(pod, ctx);
          break;
        case 'object':
          if (check.kinds.includes(object.kind)) violations = check.evaluate(object, ctx);
          break;
        case 'set':
          set ??= buildManifestSet([object]);
          violations = check.evaluate(set, ctx);
          break;
      }
    } catch (error) {
      // A check that cannot judge the object does not let it through silently.
      violations = [
        { message: `check failed on this object: ${error instanceof Error ? error.message : String(error)}` },
      ];
    }
    for (const violation of violations) out.push({ check, effect, violation });
  }
  return out.sort((a, b) => (a.check.id < b.check.id ? -1 : a.check.id > b.check.id ? 1 : 0));
}
