// A fast path for JSON Lists (kubeward snapshots, `kubectl get -A -o json`): JSON.parse plus one scan for
// item positions. The general YAML loader keeps exact positions too but takes seconds per megabyte, and
// snapshots of large clusters run to tens of megabytes.
import type { InputProblem } from '../../core/report.js';
import type { InputLimits } from '../../core/limits.js';
import type { K8sObject, ObjectSource } from '../object.js';
import { isObject, toK8sObject } from '../object.js';

export interface JsonListResult {
  objects: K8sObject[];
  problems: InputProblem[];
}

/**
 * Objects of a JSON `List` document, each with the line and column of its opening brace (as the YAML loader); undefined when the
 * text is not such a document (or anything unusual, like nested Lists), so the caller uses the YAML loader.
 */
export function readJsonList(text: string, file: string, limits: InputLimits): JsonListResult | undefined {
  if (!/^\s*\{/.test(text)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(value) || typeof value['kind'] !== 'string' || !value['kind'].endsWith('List'))
    return undefined;
  const items = value['items'];
  if (!Array.isArray(items)) return undefined;
  if (items.some((i) => isObject(i) && typeof i['kind'] === 'string' && i['kind'].endsWith('List')))
    return undefined;
  if (!withinDepth(value, limits.maxDepth)) return undefined;
  const offsets = itemOffsets(text);
  if (offsets.length !== items.length) return undefined;
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const position = (offset: number): ObjectSource => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((lineStarts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file, line: lo + 1, column: offset - (lineStarts[lo] ?? 0) + 1 };
  };
  const result: JsonListResult = { objects: [], problems: [] };
  items.forEach((item, index) => {
    const where = position(offsets[index] ?? 0);
    const object = toObject(item, where);
    if (typeof object === 'string')
      result.problems.push({ file, line: where.line, column: where.column, message: object });
    else result.objects.push(object);
  });
  return result;
}

function toObject(value: unknown, source: ObjectSource): K8sObject | string {
  if (!isObject(value)) return 'not a Kubernetes object (not a map)';
  const kind = value['kind'];
  const apiVersion = value['apiVersion'];
  if (typeof kind !== 'string' || !kind || typeof apiVersion !== 'string' || !apiVersion)
    return 'not a Kubernetes object: no apiVersion or kind';
  return toK8sObject(value, apiVersion, kind, source);
}

/** Offsets of the opening brace of each element of the top-level `items` array (one pass, strings skipped). */
function itemOffsets(text: string): number[] {
  const offsets: number[] = [];
  let depth = 0;
  let key = '';
  let itemsDepth = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      if (depth === 1) {
        let j = i + 1;
        while (j < text.length && /\s/.test(text[j] ?? '')) j++;
        if (text[j] === ':') key = text.slice(start, i + 1);
      }
    } else if (c === '{' || c === '[') {
      if (itemsDepth === depth && c === '{') offsets.push(i);
      depth++;
      if (c === '[' && depth === 2 && key === '"items"') itemsDepth = 2;
    } else if (c === '}' || c === ']') {
      depth--;
      if (itemsDepth === 2 && depth === 1 && c === ']') itemsDepth = -1;
    }
  }
  return offsets;
}

/** Iterative, stops early: hostile snapshots must not blow the stack of later recursive readers. */
function withinDepth(root: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (depth > limit) return false;
    if (typeof value !== 'object' || value === null) continue;
    for (const child of Array.isArray(value) ? value : Object.values(value))
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return true;
}
