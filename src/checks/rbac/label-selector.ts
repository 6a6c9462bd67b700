import { asArray, isObject, stringMap } from '../../k8s/object.js';

export interface LabelRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: readonly string[];
}

/** A metav1.LabelSelector; an empty selector matches every object. */
export interface LabelSelector {
  matchLabels: Readonly<Record<string, string>>;
  matchExpressions: readonly LabelRequirement[];
  /** An expression with an unknown operator makes the selector match nothing, as the API server would reject it. */
  invalid: boolean;
}

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

export function parseLabelSelector(value: unknown): LabelSelector | undefined {
  if (!isObject(value)) return undefined;
  let invalid = false;
  const matchExpressions: LabelRequirement[] = [];
  for (const e of asArray(value['matchExpressions'])) {
    if (!isObject(e) || typeof e['key'] !== 'string' || typeof e['operator'] !== 'string') {
      invalid = true;
      continue;
    }
    if (!OPERATORS.has(e['operator'])) {
      invalid = true;
      continue;
    }
    matchExpressions.push({
      key: e['key'],
      operator: e['operator'] as LabelRequirement['operator'],
      values: asArray(e['values']).filter((v): v is string => typeof v === 'string'),
    });
  }
  return { matchLabels: stringMap(value['matchLabels']), matchExpressions, invalid };
}

export function matchesLabelSelector(
  selector: LabelSelector,
  labels: Readonly<Record<string, string>>,
): boolean {
  if (selector.invalid) return false;
  for (const [key, value] of Object.entries(selector.matchLabels)) if (labels[key] !== value) return false;
  for (const r of selector.matchExpressions) {
    const has = Object.hasOwn(labels, r.key);
    const value = labels[r.key];
    switch (r.operator) {
      case 'In':
        if (!has || value === undefined || !r.values.includes(value)) return false;
        break;
      case 'NotIn':
        if (has && value !== undefined && r.values.includes(value)) return false;
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
