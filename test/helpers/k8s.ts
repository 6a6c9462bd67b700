// Test helper: decode YAML text into K8sObjects without the full loader (no limits, no problem reporting).
import { parseAllDocuments, LineCounter } from 'yaml';
import type { K8sObject } from '../../src/k8s/object.js';
import { isObject, stringMap } from '../../src/k8s/object.js';

export function objectsFromYaml(text: string, file = 'test.yaml'): K8sObject[] {
  const lineCounter = new LineCounter();
  const out: K8sObject[] = [];
  for (const doc of parseAllDocuments(text, { lineCounter })) {
    const raw: unknown = doc.toJS();
    if (!isObject(raw)) continue;
    const meta = isObject(raw['metadata']) ? raw['metadata'] : {};
    const pos = lineCounter.linePos(doc.contents?.range?.[0] ?? 0);
    out.push({
      apiVersion: String(raw['apiVersion'] ?? ''),
      kind: String(raw['kind'] ?? ''),
      metadata: {
        name: typeof meta['name'] === 'string' ? meta['name'] : '',
        ...(typeof meta['namespace'] === 'string' ? { namespace: meta['namespace'] } : {}),
        labels: stringMap(meta['labels']),
        annotations: stringMap(meta['annotations']),
      },
      raw,
      source: { file, line: pos.line, column: pos.col },
    });
  }
  return out;
}
