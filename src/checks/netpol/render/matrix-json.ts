/** Machine-readable matrix: classes with their pods, and per port a from x to grid of 0/1. */
import type { Matrix } from '../matrix.js';
import { portLabel } from '../matrix.js';

export interface MatrixJson {
  ports: string[];
  classes: { id: string; namespace: string; labels: Record<string, string>; pods: string[] }[];
  /** allowed[port][fromIndex][toIndex], indexes into `classes`. */
  allowed: Record<string, number[][]>;
}

export function buildMatrixJson(matrix: Matrix): MatrixJson {
  const n = matrix.classes.length;
  const allowed: Record<string, number[][]> = {};
  matrix.ports.forEach((port, k) => {
    const cells = matrix.allowed[k]!;
    allowed[portLabel(port)] = Array.from({ length: n }, (_, i) =>
      Array.from(cells.subarray(i * n, i * n + n)),
    );
  });
  return {
    ports: matrix.ports.map(portLabel),
    classes: matrix.classes.map((c) => ({
      id: c.id,
      namespace: c.namespace,
      labels: { ...c.labels },
      pods: [...c.pods],
    })),
    allowed,
  };
}

export function renderMatrixJson(matrix: Matrix): string {
  return `${JSON.stringify(buildMatrixJson(matrix), null, 2)}\n`;
}
