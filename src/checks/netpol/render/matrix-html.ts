/** A self-contained HTML page (inline CSS, no scripts, nothing fetched): one colored grid per port. */
import type { Matrix } from '../matrix.js';
import { portLabel } from '../matrix.js';
import { classLabels, className } from './labels.js';

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function renderMatrixHtml(matrix: Matrix, title = 'kubeward netpol matrix'): string {
  const n = matrix.classes.length;
  const legend = matrix.classes
    .map(
      (c) =>
        `<tr><th>${escape(c.id)}</th><td>${escape(c.namespace)}</td><td>${escape(classLabels(c))}</td><td>${escape(c.pods.join(', '))}</td></tr>`,
    )
    .join('\n');
  const grids = matrix.ports
    .map((port, k) => {
      const cells = matrix.allowed[k]!;
      const head = matrix.classes
        .map((c) => `<th title="${escape(className(c))}">${escape(c.id)}</th>`)
        .join('');
      const rows = matrix.classes
        .map((from, i) => {
          const tds = matrix.classes
            .map((to, j) => {
              const ok = cells[i * n + j] === 1;
              const tip = `${className(from)} -> ${className(to)} ${portLabel(port)}: ${ok ? 'allowed' : 'denied'}`;
              return `<td class="${ok ? 'allow' : 'deny'}" title="${escape(tip)}">${ok ? '✓' : '✗'}</td>`;
            })
            .join('');
          return `<tr><th title="${escape(className(from))}">${escape(from.id)}</th>${tds}</tr>`;
        })
        .join('\n');
      return `<h2>${escape(portLabel(port))}</h2>\n<table class="grid"><tr><th>from \\ to</th>${head}</tr>\n${rows}\n</table>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}
table{border-collapse:collapse;margin-bottom:1.5rem}
th,td{border:1px solid #ccc;padding:.2rem .4rem;font-size:.85rem}
.grid td{text-align:center;min-width:1.4rem}
.allow{background:#d4f4d2;color:#135d10}.deny{background:#f8d3d0;color:#8a1c12}
</style></head><body>
<h1>${escape(title)}</h1>
<p>${matrix.classes.length} pod classes, ${matrix.ports.length} port(s). Rows are sources, columns destinations.</p>
<table><tr><th>class</th><th>namespace</th><th>labels</th><th>pods</th></tr>
${legend}
</table>
${grids}
</body></html>
`;
}
