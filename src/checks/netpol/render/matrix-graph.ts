/** Graphviz dot and Mermaid pictures: one node per pod class, one edge per allowed pair listing its ports. */
import type { Matrix } from '../matrix.js';
import { portLabel } from '../matrix.js';
import { classLabels, className } from './labels.js';

interface Edge {
  from: string;
  to: string;
  ports: string[];
}

function edgesOf(matrix: Matrix): Edge[] {
  const n = matrix.classes.length;
  const edges: Edge[] = [];
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      const ports = matrix.ports.filter((_, k) => matrix.allowed[k]![i * n + j] === 1).map(portLabel);
      if (ports.length > 0) edges.push({ from: matrix.classes[i]!.id, to: matrix.classes[j]!.id, ports });
    }
  return edges;
}

const portsText = (e: Edge, all: number) => (e.ports.length === all ? 'all' : e.ports.join(', '));

export function renderMatrixDot(matrix: Matrix): string {
  const quote = (s: string) => `"${s.replace(/["\\]/g, '\\$&')}"`;
  const lines = ['digraph netpol {', '  rankdir=LR;', '  node [shape=box, fontname="sans-serif"];'];
  const byNamespace = new Map<string, string[]>();
  for (const c of matrix.classes) {
    const list = byNamespace.get(c.namespace) ?? [];
    list.push(`    ${c.id} [label=${quote(`${className(c)}\n${classLabels(c)}`)}];`);
    byNamespace.set(c.namespace, list);
  }
  let cluster = 0;
  for (const [namespace, nodes] of byNamespace) {
    lines.push(`  subgraph cluster_${cluster++} {`, `    label=${quote(namespace)};`, ...nodes, '  }');
  }
  for (const e of edgesOf(matrix))
    lines.push(`  ${e.from} -> ${e.to} [label=${quote(portsText(e, matrix.ports.length))}];`);
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

export function renderMatrixMermaid(matrix: Matrix): string {
  // Mermaid labels break on quotes and brackets; keep them out.
  const clean = (s: string) => s.replace(/["[\]{}()<>|#]/g, ' ');
  const lines = ['flowchart LR'];
  for (const c of matrix.classes) lines.push(`  ${c.id}["${clean(`${className(c)}: ${classLabels(c)}`)}"]`);
  for (const e of edgesOf(matrix))
    lines.push(`  ${e.from} -->|${clean(portsText(e, matrix.ports.length))}| ${e.to}`);
  return `${lines.join('\n')}\n`;
}
