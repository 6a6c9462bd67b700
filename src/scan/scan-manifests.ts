import type { Clock } from '../core/clock.js';
import { systemClock } from '../core/clock.js';
import type { RuleMeta } from '../core/finding.js';
import { sortFindings } from '../core/finding.js';
import { matchesAnyGlob } from '../core/glob.js';
import type { Report } from '../core/report.js';
import type { InputLimits } from '../core/limits.js';
import type { K8sObject } from '../k8s/object.js';
import { effectiveNamespace } from '../k8s/object.js';
import type { ManifestSet } from '../k8s/manifest-set.js';
import { buildManifestSet } from '../k8s/manifest-set.js';
import { loadManifests } from '../k8s/load-manifests.js';
import type { Check, CheckContext } from '../checks/check.js';
import { CHECKS } from '../checks/index.js';
import { PSS_CHECKS, evaluatePodSecurity, parsePssVersion, pssFieldPath } from '../checks/pss/index.js';
import { FindingCollector } from './finding-collector.js';
import type { Config } from './config.js';
import { ConfigError } from '../core/errors.js';
import { DEFAULT_CONFIG } from './config.js';
import { applyConfig, isRuleDisabled, EXPIRED_EXCEPTION_RULE } from './apply-config.js';
import type { PssProfile } from './pss-profiles.js';
import { profilesForNamespace } from './pss-profiles.js';
import { TOOL_VERSION } from './version.js';

export interface ScanOptions {
  /** Globs over rule ids (`--rules`); empty means all. */
  rules?: readonly string[];
  pssLevel?: PssProfile['level'];
  pssVersion?: string;
  config?: Config;
  configPath?: string;
  clock?: Clock;
  limits?: Partial<InputLimits>;
  readStdin?: () => Promise<string>;
}

/** inputs -> model -> checks -> findings -> config (severities, exceptions) -> Report. */
export async function scanManifests(paths: readonly string[], options: ScanOptions = {}): Promise<Report> {
  const loaded = await loadManifests(paths, {
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.readStdin ? { readStdin: options.readStdin } : {}),
  });
  const report = evaluateObjects(loaded.objects, options);
  return {
    ...report,
    inputs: [...paths],
    problems: [...loaded.problems, ...report.problems],
    stats: { ...report.stats, files: loaded.files.length },
  };
}

/** The pure middle: evaluate already loaded objects. */
export function evaluateObjects(objects: readonly K8sObject[], options: ScanOptions = {}): Report {
  const config = options.config ?? DEFAULT_CONFIG;
  const clock = options.clock ?? systemClock;
  const selected = (id: string) =>
    !isRuleDisabled(id, config) &&
    (!options.rules || options.rules.length === 0 || matchesAnyGlob(id, options.rules));
  assertRulesExist(config, options.configPath);
  const checks = CHECKS.items.filter((c) => selected(c.id));
  const pssChecks = PSS_CHECKS.filter((c) => selected(c.id));
  const fallback: PssProfile = {
    mode: 'scan',
    level: options.pssLevel ?? config.pss.level ?? 'restricted',
    version: options.pssVersion ?? config.pss.version ?? 'latest',
  };
  parsePssVersion(fallback.version); // validate once, before any work

  const set = buildManifestSet(objects);
  const ctx: CheckContext = { settings: config.settings };
  const collector = new FindingCollector();
  for (const check of checks) runCheck(check, set, ctx, collector);
  if (pssChecks.length > 0) {
    const wanted = new Set(pssChecks.map((c) => c.id));
    runPodSecurity(set, fallback, wanted, collector);
  }

  const now = clock.now();
  const configured = applyConfig(
    collector.findings,
    config,
    now.toISOString().slice(0, 10),
    options.configPath,
  );
  const rules: RuleMeta[] = [...checks, ...pssChecks].map(ruleMetaOf);
  if (configured.findings.some((f) => f.ruleId === EXPIRED_EXCEPTION_RULE.id))
    rules.push(EXPIRED_EXCEPTION_RULE);
  return {
    tool: { name: 'kubeward', version: TOOL_VERSION },
    generatedAt: now.toISOString(),
    inputs: [],
    findings: sortFindings(configured.findings),
    rules: rules.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    problems: [],
    stats: { objects: objects.length, files: 0, waived: configured.waived },
  };
}

function runCheck(check: Check, set: ManifestSet, ctx: CheckContext, out: FindingCollector): void {
  switch (check.scope) {
    case 'pod':
      for (const pod of set.pods) for (const v of check.evaluate(pod, ctx)) out.add(check, pod.object, v);
      return;
    case 'object':
      for (const kind of check.kinds)
        for (const object of set.byKind(kind))
          for (const v of check.evaluate(object, ctx)) out.add(check, object, v);
      return;
    case 'set':
      for (const v of check.evaluate(set, ctx)) out.add(check, v.object, v);
      return;
  }
}

/**
 * Each pod is judged by the profiles of its namespace (Pod Security labels) or the command-line profile.
 * One finding per check and pod, listing every mode whose profile it breaks.
 */
function runPodSecurity(
  set: ManifestSet,
  fallback: PssProfile,
  wanted: ReadonlySet<string>,
  out: FindingCollector,
): void {
  const profileCache = new Map<string, PssProfile[]>();
  for (const pod of set.pods) {
    const namespace = effectiveNamespace(pod.object) ?? 'default';
    let profiles = profileCache.get(namespace);
    if (!profiles) {
      profiles = profilesForNamespace(set.namespaceObjects.get(namespace), fallback);
      profileCache.set(namespace, profiles);
    }
    const byCheck = new Map<
      string,
      { violation: ReturnType<typeof evaluatePodSecurity>[number]; profiles: PssProfile[] }
    >();
    for (const profile of profiles) {
      for (const violation of evaluatePodSecurity(pod, profile.level, parsePssVersion(profile.version))) {
        if (!wanted.has(violation.check.id)) continue;
        const entry = byCheck.get(violation.check.id);
        if (entry) entry.profiles.push(profile);
        else byCheck.set(violation.check.id, { violation, profiles: [profile] });
      }
    }
    for (const { violation, profiles: broken } of byCheck.values()) {
      const fields = violation.fields.map((f) => pssFieldPath(pod.specPath, f));
      const modes = broken.map((p) => p.mode);
      const modeText = modes.includes('scan')
        ? ''
        : ` (breaks namespace ${broken.map((p) => `${p.mode}=${p.level}:${p.version}`).join(', ')})`;
      out.add(
        violation.check,
        pod.object,
        {
          message: `${violation.reason}${violation.detail ? `: ${violation.detail}` : ''}${modeText}`,
          ...(fields[0] ? { field: fields[0] } : {}),
        },
        { pss: { modes, profiles: broken, fields } },
      );
    }
  }
}

function ruleMetaOf(rule: RuleMeta): RuleMeta {
  const { id, severity, title, description, remediation, references, category } = rule;
  return { id, severity, title, description, remediation, references, category };
}

/**
 * A rule id in `rules.disabled` or `rules.severity` that matches no rule is a typo that would silently leave a
 * control on (or at the wrong severity): refuse it, naming the key, like unknown configuration keys.
 */
function assertRulesExist(config: Config, configPath: string | undefined): void {
  const known = [...CHECKS.keys(), ...PSS_CHECKS.map((c) => c.id), EXPIRED_EXCEPTION_RULE.id];
  const where = configPath ?? 'kubeward.yaml';
  config.rules.disabled.forEach((glob, index) => {
    if (!known.some((id) => matchesAnyGlob(id, [glob])))
      throw new ConfigError(
        `${where}: rules.disabled[${index}]: "${glob}" matches no rule id (see docs/rules.md)`,
      );
  });
  for (const id of Object.keys(config.rules.severity)) {
    if (!known.includes(id))
      throw new ConfigError(`${where}: rules.severity.${id}: no rule has this id (see docs/rules.md)`);
  }
}
