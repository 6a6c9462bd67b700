import type { Finding, FindingInput, RuleMeta } from '../core/finding.js';
import { makeFinding } from '../core/finding.js';
import { globToRegExp, matchesAnyGlob } from '../core/glob.js';
import type { Config, ExceptionRule } from './config.js';

export const EXPIRED_EXCEPTION_RULE: RuleMeta = {
  id: 'config.expired-exception',
  severity: 'low',
  title: 'Exception in the configuration has expired',
  description:
    'An exception waives a finding only until its expiry date. After that the finding is reported again, and the stale exception should be removed or renewed with a new review.',
  remediation:
    'Fix the waived findings, or renew the exception with a new reason and expiry date after review.',
  references: ['docs/configuration.md#exceptions'],
  category: 'configuration',
};

export interface ConfigOutcome {
  findings: Finding[];
  waived: number;
}

/** Severity overrides, then exceptions. Pure: the date comes from the caller's clock. */
export function applyConfig(
  findings: readonly Finding[],
  config: Config,
  today: string,
  configPath: string | undefined,
): ConfigOutcome {
  const active = config.exceptions.filter((e) => e.expires === undefined || e.expires >= today);
  const matchers = active.map((exception) => ({ exception, test: exceptionMatcher(exception) }));
  const out: Finding[] = [];
  let waived = 0;
  for (const finding of findings) {
    const severity = config.rules.severity[finding.ruleId];
    const adjusted = severity ? makeFinding({ ...finding, severity }) : finding;
    if (matchers.some((m) => m.test(adjusted))) waived += 1;
    else out.push(adjusted);
  }
  for (const [index, exception] of config.exceptions.entries()) {
    if (exception.expires === undefined || exception.expires >= today) continue;
    out.push(expiredExceptionFinding(exception, index, configPath));
  }
  return { findings: out, waived };
}

export function isRuleDisabled(ruleId: string, config: Config): boolean {
  return matchesAnyGlob(ruleId, config.rules.disabled);
}

function exceptionMatcher(exception: ExceptionRule): (finding: Finding) => boolean {
  const rule = globToRegExp(exception.rule);
  const { kind, namespace, name, file } = exception.match;
  const optional = (glob: string | undefined) =>
    glob === undefined ? () => true : (v: string) => globToRegExp(glob).test(v);
  const kindOk = optional(kind);
  const namespaceOk = optional(namespace);
  const nameOk = optional(name);
  const fileOk = optional(file);
  return (f) =>
    rule.test(f.ruleId) &&
    kindOk(f.target.kind) &&
    namespaceOk(f.target.namespace ?? '') &&
    nameOk(f.target.name) &&
    fileOk(f.location?.file ?? '');
}

function expiredExceptionFinding(
  exception: ExceptionRule,
  index: number,
  configPath: string | undefined,
): Finding {
  const input: FindingInput = {
    ruleId: EXPIRED_EXCEPTION_RULE.id,
    severity: EXPIRED_EXCEPTION_RULE.severity,
    title: EXPIRED_EXCEPTION_RULE.title,
    detail: `exception #${index + 1} for rule ${exception.rule} expired on ${exception.expires} (reason: ${exception.reason})`,
    category: EXPIRED_EXCEPTION_RULE.category,
    target: { kind: 'Exception', name: `exceptions[${index}]`, field: `exceptions[${index}].expires` },
    remediation: EXPIRED_EXCEPTION_RULE.remediation,
    references: EXPIRED_EXCEPTION_RULE.references,
    ...(configPath ? { location: { file: configPath, line: 1, column: 1 } } : {}),
  };
  return makeFinding(input);
}
