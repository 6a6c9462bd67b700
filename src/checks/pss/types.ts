import type { RuleMeta } from '../../core/finding.js';
import type { JsonObject } from '../../k8s/object.js';

/** The three Pod Security Standards profiles. `privileged` has no checks at all. */
export type PssLevel = 'privileged' | 'baseline' | 'restricted';

/** The level a single check belongs to: baseline checks also run at restricted (unless overridden there). */
export type PssCheckLevel = Exclude<PssLevel, 'privileged'>;

export const PSS_LEVELS: readonly PssLevel[] = ['privileged', 'baseline', 'restricted'];

export function isPssLevel(value: unknown): value is PssLevel {
  return typeof value === 'string' && (PSS_LEVELS as readonly string[]).includes(value);
}

/** Labels and annotations of the pod (or pod template) under evaluation. */
export interface PssPodMeta {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/**
 * Outcome of one check on one pod. `fields` are dotted paths relative to the pod spec
 * (`containers[0].securityContext.privileged`), or `metadata.…` for the pod's own metadata (annotations).
 */
export interface PssCheckResult {
  allowed: boolean;
  /** Short and stable, e.g. `host ports`; shared by every pod this check forbids. */
  reason?: string;
  /** Specific to this pod, e.g. `container "app" uses hostPort 8080`. */
  detail?: string;
  fields?: string[];
}

/** Pure function of the pod; must never throw, whatever the types of the fields it reads. */
export type PssEvaluate = (podMeta: PssPodMeta, spec: JsonObject) => PssCheckResult;

export interface PssCheckVersion {
  /** First policy version (`v1.N`) this revision applies to; revisions of a check strictly increase. */
  since: string;
  evaluate: PssEvaluate;
  /** Restricted checks only: ids of baseline checks this revision replaces at the restricted level. */
  overrides?: readonly string[];
}

/** Report metadata of a check (RuleMeta plus its level), without the evaluation functions. */
export interface PssCheckMeta extends RuleMeta {
  level: PssCheckLevel;
  /** The check's ID in Kubernetes' pod-security-admission (`hostPorts`, `seccompProfile_restricted`, ...). */
  upstreamId: string;
}

/** One check as written in its file: identity, docs and its versioned revisions. */
export interface PssCheck {
  id: string;
  level: PssCheckLevel;
  upstreamId: string;
  meta: Omit<RuleMeta, 'id'>;
  versions: readonly PssCheckVersion[];
}

export const PSS_DOCS_URL = 'https://kubernetes.io/docs/concepts/security/pod-security-standards/';
export const PSS_BASELINE_URL = `${PSS_DOCS_URL}#baseline`;
export const PSS_RESTRICTED_URL = `${PSS_DOCS_URL}#restricted`;

const ID_PATTERN = /^pss\.[a-z0-9]+(-[a-z0-9]+)*$/;

/** Identity helper that keeps each check file's literal typed; shape errors surface at module load. */
export function definePssCheck(check: PssCheck): PssCheck {
  if (!ID_PATTERN.test(check.id)) throw new Error(`pss check id "${check.id}" is not pss.<kebab-case>`);
  const m = check.meta;
  if (!m.title || !m.description || !m.remediation || m.references.length === 0)
    throw new Error(`pss check ${check.id} lacks docs`);
  return check;
}

export const ALLOWED: PssCheckResult = Object.freeze({ allowed: true });

export function checkMetaOf(check: PssCheck): PssCheckMeta {
  return {
    id: check.id,
    level: check.level,
    upstreamId: check.upstreamId,
    severity: check.meta.severity,
    title: check.meta.title,
    description: check.meta.description,
    remediation: check.meta.remediation,
    references: check.meta.references,
    category: check.meta.category,
  };
}
