/**
 * Pod Security admission, as the built-in PodSecurity plugin does it (kubernetes/pod-security-admission,
 * admission/admission.go and api/helpers.go): the namespace labels give a policy per mode; enforce denies (pods
 * only: controllers are judged for audit and warn, their pods are enforced when created), audit adds an audit
 * annotation, warn returns a warning. Invalid labels fail closed for enforce (restricted) and open for audit
 * and warn (privileged); an invalid version means latest; the parse error goes into the `error` annotation.
 */
import type { PssLevel, PssPod, PssVersion, PssViolation } from '../checks/pss/index.js';
import { PSS_LATEST, evaluatePodSecurity, formatPssVersion, parsePssVersion } from '../checks/pss/index.js';

export const PSS_LABEL_PREFIX = 'pod-security.kubernetes.io/';

export interface LevelVersion {
  level: PssLevel;
  version: PssVersion;
}

export interface PssPolicy {
  enforce: LevelVersion;
  audit: LevelVersion;
  warn: LevelVersion;
}

export interface PssExemptions {
  usernames: readonly string[];
  namespaces: readonly string[];
  runtimeClasses: readonly string[];
}

const PRIVILEGED_LATEST: LevelVersion = { level: 'privileged', version: PSS_LATEST };
export const PRIVILEGED_POLICY: PssPolicy = {
  enforce: PRIVILEGED_LATEST,
  audit: PRIVILEGED_LATEST,
  warn: PRIVILEGED_LATEST,
};

const LEVEL_RANK: Record<PssLevel, number> = { privileged: 0, baseline: 1, restricted: 2 };

export function formatLevelVersion(lv: LevelVersion): string {
  return `${lv.level}:${formatPssVersion(lv.version)}`;
}

function parseLevel(text: string): { level: PssLevel; error?: string } {
  if (text === 'privileged' || text === 'baseline' || text === 'restricted') return { level: text };
  return { level: 'restricted', error: 'must be one of privileged, baseline, restricted' };
}

function parseVersion(text: string): { version: PssVersion; error?: string } {
  try {
    return { version: parsePssVersion(text) };
  } catch {
    return { version: PSS_LATEST, error: 'must be "latest" or "v1.x"' };
  }
}

/** api.PolicyToEvaluate: the namespace policy from its labels over the configured defaults, plus label errors. */
export function policyToEvaluate(
  labels: Readonly<Record<string, string>>,
  defaults: PssPolicy = PRIVILEGED_POLICY,
): { policy: PssPolicy; errors: string[] } {
  const p: PssPolicy = {
    enforce: { ...defaults.enforce },
    audit: { ...defaults.audit },
    warn: { ...defaults.warn },
  };
  const errors: string[] = [];
  const label = (name: string) => labels[`${PSS_LABEL_PREFIX}${name}`];
  const fail = (name: string, value: string, message: string) =>
    errors.push(
      `metadata.labels[${PSS_LABEL_PREFIX}${name}]: Invalid value: ${JSON.stringify(value)}: ${message}`,
    );

  let hasEnforceLevel = false;
  let hasWarnLevel = false;
  let hasWarnVersion = false;
  const enforce = label('enforce');
  if (enforce !== undefined) {
    const r = parseLevel(enforce);
    p.enforce.level = r.level;
    hasEnforceLevel = r.error === undefined; // an invalid enforce label must not drag warn along
    if (r.error) fail('enforce', enforce, r.error);
  }
  for (const mode of ['enforce', 'audit', 'warn'] as const) {
    if (mode !== 'enforce') {
      const level = label(mode);
      if (level !== undefined) {
        if (mode === 'warn') hasWarnLevel = true;
        const r = parseLevel(level);
        p[mode].level = r.error ? 'privileged' : r.level;
        if (r.error) fail(mode, level, r.error);
      }
    }
    const version = label(`${mode}-version`);
    if (version !== undefined) {
      if (mode === 'warn') hasWarnVersion = true;
      const r = parseVersion(version);
      p[mode].version = r.version;
      if (r.error) fail(`${mode}-version`, version, r.error);
    }
  }
  // Warn defaults to the enforce level when enforce is explicitly stricter, so users see what will be denied.
  if (!hasWarnLevel && hasEnforceLevel && LEVEL_RANK[p.enforce.level] > LEVEL_RANK[p.warn.level]) {
    p.warn.level = p.enforce.level;
    if (!hasWarnVersion) p.warn.version = p.enforce.version;
  }
  return { policy: p, errors };
}

/** AggregateCheckResult.ForbiddenDetail: `reason (detail), reason (detail)`. */
export function forbiddenDetail(violations: readonly PssViolation[]): string {
  return violations.map((v) => (v.detail ? `${v.reason} (${v.detail})` : v.reason)).join(', ');
}

export interface PssOutcome {
  allowed: boolean;
  /** Deny message, as upstream words it. */
  message?: string;
  warnings: string[];
  auditAnnotations: Record<string, string>;
  /** For metrics: the modes that found violations (`enforce`, `audit`, `warn`), or `exempt`. */
  results: { mode: 'enforce' | 'audit' | 'warn' | 'exempt'; violated: boolean; policy: string }[];
}

export interface PssInput {
  pod: PssPod;
  policy: PssPolicy;
  policyErrors: readonly string[];
  /** True for Pods (and their subresources), false for controllers with pod templates. */
  enforce: boolean;
  exemptions: PssExemptions;
}

/** Admission.EvaluatePod: exempt runtime class, then enforce / audit / warn with results reused per level:version. */
export function evaluatePodSecurityAdmission(input: PssInput): PssOutcome {
  const runtimeClass = input.pod.spec['runtimeClassName'];
  if (
    typeof runtimeClass === 'string' &&
    runtimeClass &&
    input.exemptions.runtimeClasses.includes(runtimeClass)
  )
    return exemptOutcome('runtimeClass');
  const { policy } = input;
  const auditAnnotations: Record<string, string> = {};
  if (input.policyErrors.length > 0)
    auditAnnotations['error'] = `Failed to parse policy: ${aggregate(input.policyErrors)}`;
  const cache = new Map<string, PssViolation[]>();
  const evaluate = (lv: LevelVersion) => {
    const key = formatLevelVersion(lv);
    let result = cache.get(key);
    if (!result) {
      result = evaluatePodSecurity(input.pod, lv.level, lv.version);
      cache.set(key, result);
    }
    return result;
  };
  const outcome: PssOutcome = { allowed: true, warnings: [], auditAnnotations, results: [] };
  if (input.enforce) {
    const key = formatLevelVersion(policy.enforce);
    auditAnnotations['enforce-policy'] = key;
    const violations = evaluate(policy.enforce);
    outcome.results.push({ mode: 'enforce', violated: violations.length > 0, policy: key });
    if (violations.length > 0) {
      outcome.allowed = false;
      outcome.message = `pod violates PodSecurity ${JSON.stringify(key)}: ${forbiddenDetail(violations)}`;
    }
  }
  const audit = evaluate(policy.audit);
  if (audit.length > 0) {
    const key = formatLevelVersion(policy.audit);
    auditAnnotations['audit-violations'] =
      `would violate PodSecurity ${JSON.stringify(key)}: ${forbiddenDetail(audit)}`;
    outcome.results.push({ mode: 'audit', violated: true, policy: key });
  }
  // Like upstream: no warnings on a request that is denied anyway.
  if (outcome.allowed) {
    const warn = evaluate(policy.warn);
    if (warn.length > 0) {
      const key = formatLevelVersion(policy.warn);
      outcome.warnings.push(`would violate PodSecurity ${JSON.stringify(key)}: ${forbiddenDetail(warn)}`);
      outcome.results.push({ mode: 'warn', violated: true, policy: key });
    }
  }
  return outcome;
}

export function exemptOutcome(reason: 'user' | 'namespace' | 'runtimeClass'): PssOutcome {
  return {
    allowed: true,
    warnings: [],
    auditAnnotations: { exempt: reason },
    results: [{ mode: 'exempt', violated: false, policy: reason }],
  };
}

/** utilerrors.Aggregate's text: one error as is, several in brackets. */
function aggregate(errors: readonly string[]): string {
  return errors.length === 1 ? (errors[0] ?? '') : `[${errors.join(', ')}]`;
}

/** True when no mode can ever say anything: the request is allowed without evaluating the pod. */
export function isFullyPrivileged(policy: PssPolicy, enforce: boolean): boolean {
  return (
    (!enforce || policy.enforce.level === 'privileged') &&
    policy.audit.level === 'privileged' &&
    policy.warn.level === 'privileged'
  );
}
