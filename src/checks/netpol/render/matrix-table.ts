/** Plain-text truth tables, one per port, in the style of the upstream e2e tests ("." allowed, "X" denied). */
import type { Matrix } from '../matrix.js';
import { portLabel } from '../matrix.js';
import { classLabels, className } from './labels.js';

export function renderMatrixTable(matrix: Matrix): string {
  const n = matrix.classes.length;
  const ids = matrix.classes.map((c) => c.id);
  const width = Math.max(3, ...ids.map((id) => id.length));
  const lines: string[] = ['Pod classes (pods with identical namespace, labels and ports):'];
  for (const c of matrix.classes)
    lines.push(
      `  ${c.id.padEnd(width)}  ${className(c)}  [${c.namespace}: ${classLabels(c)}]  ${c.pods.length} pod(s)`,
    );
  matrix.ports.forEach((port, k) => {
    lines.push('', `${portLabel(port)}  (rows: from, columns: to; "." allowed, "X" denied)`);
    lines.push(`${''.padEnd(width)} ${ids.map((id) => id.padStart(width)).join(' ')}`);
    const cells = matrix.allowed[k]!;
    for (let i = 0; i < n; i++) {
      const row: string[] = [];
      for (let j = 0; j < n; j++) row.push((cells[i * n + j] ? '.' : 'X').padStart(width));
      lines.push(`${ids[i]!.padEnd(width)} ${row.join(' ')}`);
    }
  });
  return `${lines.join('\n')}\n`;
}
