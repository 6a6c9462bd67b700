import { InputError, errorMessage } from '../../core/errors.js';
import type { JsonObject } from '../../k8s/object.js';
import { isObject } from '../../k8s/object.js';
import type { PssCheck, PssCheckMeta, PssEvaluate, PssLevel, PssPodMeta } from './types.js';
import { checkMetaOf } from './types.js';
import type { PssVersion } from './version.js';
import { formatPssVersion, parsePssVersion } from './version.js';

/** One thing the pod does that the evaluated level and version forbid. */
export interface PssViolation {
  check: PssCheckMeta;
  reason: string;
  detail: string;
  /** Dotted paths relative to the pod spec; `metadata.…` paths point into the pod's own metadata. */
  fields: string[];
}

/** What evaluatePodSecurity needs of a pod; a PodView from k8s/pod-spec.ts fits. */
export interface PssPod {
  podMeta: PssPodMeta;
  spec: JsonObject;
}

export interface PssRegistry {
  /** Metadata of every registered check, baseline first, each level sorted by id. */
  readonly checks: readonly PssCheckMeta[];
  /** The newest policy version any check defines, e.g. `v1.37`; `latest` and newer versions evaluate as it. */
  readonly latestVersion: string;
  /** Checks that run for this level and version, in evaluation order (overrides applied). */
  checksFor(level: PssLevel, version: PssVersion): PssCheckMeta[];
  evaluate(pod: PssPod, level: PssLevel, version: PssVersion): PssViolation[];
}

interface Runnable {
  meta: PssCheckMeta;
  evaluate: PssEvaluate;
  overrides: readonly string[];
}

/**
 * Validate the checks and precompute, for every minor version from v1.0 to the newest one any check defines,
 * the list of checks each level runs (as upstream's NewEvaluator does). Throws on an invalid list:
 * duplicate or empty ids, an invalid level, no versions, versions that are invalid, `latest` or not strictly
 * increasing, overrides set on a baseline check or naming something other than a baseline check.
 */
export function createPssRegistry(checks: readonly PssCheck[]): PssRegistry {
  const minorsByCheck = validate(checks);
  const maxMinor = Math.max(
    0,
    ...[...minorsByCheck.values()].map((minors) => minors[minors.length - 1] ?? 0),
  );
  const sorted = [...checks].sort(
    (a, b) => levelRank(a.level) - levelRank(b.level) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  const metas = new Map(sorted.map((check) => [check.id, Object.freeze(checkMetaOf(check))]));

  const baselineByMinor: Runnable[][] = [];
  const restrictedByMinor: Runnable[][] = [];
  for (let minor = 0; minor <= maxMinor; minor++) {
    const active: Runnable[] = [];
    for (const check of sorted) {
      const minors = minorsByCheck.get(check.id) ?? [];
      let index = -1;
      minors.forEach((since, i) => {
        if (since <= minor) index = i;
      });
      const revision = check.versions[index];
      const meta = metas.get(check.id);
      if (!revision || !meta) continue;
      active.push({ meta, evaluate: revision.evaluate, overrides: revision.overrides ?? [] });
    }
    const baseline = active.filter((r) => r.meta.level === 'baseline');
    const restricted = active.filter((r) => r.meta.level === 'restricted');
    const overridden = new Set(restricted.flatMap((r) => r.overrides));
    baselineByMinor.push(baseline);
    restrictedByMinor.push([...baseline.filter((r) => !overridden.has(r.meta.id)), ...restricted]);
  }

  const runnablesFor = (level: PssLevel, version: PssVersion): Runnable[] => {
    if (level === 'privileged') return [];
    if (level !== 'baseline' && level !== 'restricted')
      throw new InputError(`invalid Pod Security level ${JSON.stringify(String(level))}`);
    if (!version.latest && !(Number.isSafeInteger(version.minor) && version.minor >= 0))
      throw new InputError(`invalid Pod Security version ${formatPssVersion(version)}`);
    const minor = version.latest || version.minor > maxMinor ? maxMinor : version.minor;
    return (level === 'baseline' ? baselineByMinor : restrictedByMinor)[minor] ?? [];
  };

  return {
    checks: [...metas.values()],
    latestVersion: `v1.${maxMinor}`,
    checksFor: (level, version) => runnablesFor(level, version).map((r) => r.meta),
    evaluate(pod, level, version) {
      const runnables = runnablesFor(level, version);
      if (runnables.length === 0) return [];
      const spec = isObject(pod.spec) ? pod.spec : {};
      const podMeta = safePodMeta(pod.podMeta);
      const violations: PssViolation[] = [];
      for (const { meta, evaluate } of runnables) {
        let reason: string | undefined;
        let detail: string | undefined;
        let fields: string[] | undefined;
        try {
          const result = evaluate(podMeta, spec);
          if (result.allowed) continue;
          ({ reason, detail, fields } = result);
        } catch (error) {
          // Fail closed: a check that cannot judge a pod does not let it through.
          reason = 'evaluation error';
          detail = `check could not evaluate this pod: ${errorMessage(error)}`;
        }
        violations.push({
          check: meta,
          reason: reason || 'unknown forbidden reason',
          detail: detail ?? '',
          fields: fields ?? [],
        });
      }
      return violations;
    },
  };
}

function levelRank(level: string): number {
  return level === 'baseline' ? 0 : 1;
}

function validate(checks: readonly PssCheck[]): Map<string, number[]> {
  const minorsByCheck = new Map<string, number[]>();
  const levels = new Map<string, string>();
  for (const check of checks) {
    if (!check.id) throw new Error('pss registry: a check has an empty id');
    if (minorsByCheck.has(check.id)) throw new Error(`pss registry: duplicate check id "${check.id}"`);
    if (check.level !== 'baseline' && check.level !== 'restricted')
      throw new Error(`pss registry: check ${check.id}: invalid level "${String(check.level)}"`);
    if (check.versions.length === 0) throw new Error(`pss registry: check ${check.id}: no versions`);
    const minors: number[] = [];
    for (const revision of check.versions) {
      let version: PssVersion;
      try {
        version = parsePssVersion(revision.since);
      } catch (error) {
        throw new Error(`pss registry: check ${check.id}: ${errorMessage(error)}`, { cause: error });
      }
      if (version.latest) throw new Error(`pss registry: check ${check.id}: version cannot be "latest"`);
      const previous = minors[minors.length - 1];
      if (previous !== undefined && version.minor <= previous)
        throw new Error(
          `pss registry: check ${check.id}: versions must be strictly increasing (${revision.since} after v1.${previous})`,
        );
      minors.push(version.minor);
    }
    minorsByCheck.set(check.id, minors);
    levels.set(check.id, check.level);
  }
  for (const check of checks) {
    for (const revision of check.versions) {
      for (const target of revision.overrides ?? []) {
        if (check.level !== 'restricted')
          throw new Error(`pss registry: check ${check.id}: only restricted checks may override`);
        if (levels.get(target) !== 'baseline')
          throw new Error(
            `pss registry: check ${check.id}: overrides "${target}", which is not a baseline check`,
          );
      }
    }
  }
  return minorsByCheck;
}

/** Labels and annotations as string maps, whatever the caller passed. */
function safePodMeta(meta: unknown): PssPodMeta {
  const labels = isObject(meta) ? meta['labels'] : undefined;
  const annotations = isObject(meta) ? meta['annotations'] : undefined;
  return { labels: onlyStrings(labels), annotations: onlyStrings(annotations) };
}

function onlyStrings(value: unknown): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>;
  if (!isObject(value)) return out;
  for (const [key, item] of Object.entries(value)) if (typeof item === 'string') out[key] = item;
  return out;
}
