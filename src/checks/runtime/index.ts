// Runtime threat detection over Kubernetes audit events: pure rule language, compiler, detector, shipped rules.
export type { AuditEvent, AuditUser, AuditObjectRef, EventCheck } from './event.js';
export { toAuditEvent } from './event.js';
export type { RuleSource, RuleSet, RuntimeRule, LoadOptions, ThresholdSpec, Stage } from './load-rules.js';
export { loadRuleSet, STAGES, DEFAULT_STAGES } from './load-rules.js';
export type { RuntimeAlert, Detector, DetectorOptions } from './detector.js';
export { createDetector } from './detector.js';
export { parseCondition, ConditionError } from './condition.js';
export type { Expr, Operator, Operand } from './condition.js';
export { FieldError, KNOWN_FIELDS } from './fields.js';
export { parseImageRef } from './image-ref.js';
export type { ImageFacts } from './image-ref.js';
export { SHIPPED_RULE_SOURCES } from './rules/index.js';
import type { LoadOptions, RuleSet, RuleSource } from './load-rules.js';
import { loadRuleSet } from './load-rules.js';
import { SHIPPED_RULE_SOURCES } from './rules/index.js';

/** The shipped rules followed by the user's sources, validated and compiled. */
export function loadRuntimeRules(extra: readonly RuleSource[] = [], options: LoadOptions = {}): RuleSet {
  return loadRuleSet([...SHIPPED_RULE_SOURCES, ...extra], options);
}
