/**
 * Kubernetes label selectors (metav1.LabelSelector): matchLabels AND matchExpressions, all terms ANDed.
 * An empty selector matches everything; a null selector is handled by callers (its meaning differs per field).
 */
import { asArray, isObject } from '../../k8s/object.js';

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface SelectorRequirement {
  key: string;
  operator: SelectorOperator;
  values: readonly string[];
}

export interface LabelSelector {
  requirements: readonly SelectorRequirement[];
}

export const MATCH_ALL: LabelSelector = { requirements: [] };

export type Parsed<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

const OPERATORS = new Set<string>(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/** Parse a selector at `field`; errors name the exact field, as the API server's validation would. */
export function parseSelector(raw: unknown, field: string): Parsed<LabelSelector> {
  if (raw === undefined || raw === null) return { ok: true, value: MATCH_ALL };
  if (!isObject(raw)) return { ok: false, field, message: 'must be a map' };
  const requirements: SelectorRequirement[] = [];
  const labels = raw['matchLabels'];
  if (labels !== undefined && labels !== null) {
    if (!isObject(labels)) return { ok: false, field: `${field}.matchLabels`, message: 'must be a map' };
    for (const [key, value] of Object.entries(labels)) {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
        return { ok: false, field: `${field}.matchLabels.${key}`, message: 'must be a string' };
      requirements.push({ key, operator: 'In', values: [String(value)] });
    }
  }
  const expressions = raw['matchExpressions'];
  if (expressions !== undefined && expressions !== null && !Array.isArray(expressions))
    return { ok: false, field: `${field}.matchExpressions`, message: 'must be a list' };
  for (const [index, expression] of asArray(expressions).entries()) {
    const at = `${field}.matchExpressions[${index}]`;
    if (!isObject(expression)) return { ok: false, field: at, message: 'must be a map' };
    const { key, operator, values } = expression;
    if (typeof key !== 'string' || !key) return { ok: false, field: `${at}.key`, message: 'must be set' };
    if (typeof operator !== 'string' || !OPERATORS.has(operator))
      return {
        ok: false,
        field: `${at}.operator`,
        message: `must be one of In, NotIn, Exists, DoesNotExist, got ${JSON.stringify(operator)}`,
      };
    const list = asArray(values).map((v) => String(v));
    if (values !== undefined && values !== null && !Array.isArray(values))
      return { ok: false, field: `${at}.values`, message: 'must be a list' };
    // Same rules as the API server: In/NotIn need values, Exists/DoesNotExist take none.
    if ((operator === 'In' || operator === 'NotIn') && list.length === 0)
      return { ok: false, field: `${at}.values`, message: `must be non-empty for ${operator}` };
    if ((operator === 'Exists' || operator === 'DoesNotExist') && list.length > 0)
      return { ok: false, field: `${at}.values`, message: `must be empty for ${operator}` };
    requirements.push({ key, operator: operator as SelectorOperator, values: list });
  }
  return { ok: true, value: { requirements } };
}

export function isMatchAll(selector: LabelSelector): boolean {
  return selector.requirements.length === 0;
}

export function matchesSelector(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const r of selector.requirements) {
    const has = Object.hasOwn(labels, r.key);
    switch (r.operator) {
      case 'In':
        if (!has || !r.values.includes(labels[r.key]!)) return false;
        break;
      case 'NotIn':
        // A missing key satisfies NotIn (labels.Selector semantics).
        if (has && r.values.includes(labels[r.key]!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** Human form close to kubectl's: `app=web,tier in (a,b),!debug`; `{}` for match-all. */
export function formatSelector(selector: LabelSelector): string {
  if (isMatchAll(selector)) return '{}';
  return selector.requirements
    .map((r) => {
      if (r.operator === 'Exists') return r.key;
      if (r.operator === 'DoesNotExist') return `!${r.key}`;
      if (r.operator === 'In' && r.values.length === 1) return `${r.key}=${r.values[0]}`;
      return `${r.key} ${r.operator === 'In' ? 'in' : 'notin'} (${r.values.join(',')})`;
    })
    .join(',');
}
