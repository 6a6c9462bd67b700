// A small inline SVG line chart (no script, no CDN): one line per severity over the posture passes.
import type { Severity } from '../core/severity.js';
import { SEVERITIES } from '../core/severity.js';
import { esc } from '../scorecard/html.js';

const WIDTH = 760;
const HEIGHT = 240;
const PAD = { left: 44, right: 110, top: 12, bottom: 28 };

export function lineChart(
  points: readonly { label: string; values: Record<Severity, number> }[],
  title: string,
): string {
  const max = Math.max(1, ...points.flatMap((p) => SEVERITIES.map((s) => p.values[s])));
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const x = (i: number): number =>
    PAD.left + (points.length === 1 ? innerW / 2 : (innerW * i) / (points.length - 1));
  const y = (v: number): number => PAD.top + innerH - (innerH * v) / max;
  const lines = SEVERITIES.map((s) => {
    const path = points
      .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(p.values[s]).toFixed(1)}`)
      .join(' ');
    const dots = points
      .map(
        (p, i) =>
          `<circle class="fill-${s}" cx="${x(i).toFixed(1)}" cy="${y(p.values[s]).toFixed(1)}" r="2.5"><title>${esc(`${p.label}: ${p.values[s]} ${s}`)}</title></circle>`,
      )
      .join('');
    return `<path class="stroke-${s}" d="${path}" fill="none" stroke-width="2"/>${dots}`;
  }).join('');
  const legend = SEVERITIES.map(
    (s, i) =>
      `<rect class="fill-${s}" x="${WIDTH - PAD.right + 14}" y="${PAD.top + i * 18}" width="10" height="10"/><text x="${WIDTH - PAD.right + 30}" y="${PAD.top + i * 18 + 9}">${s} ${points.at(-1)?.values[s] ?? 0}</text>`,
  ).join('');
  const axis = `<line x1="${PAD.left}" y1="${PAD.top + innerH}" x2="${PAD.left + innerW}" y2="${PAD.top + innerH}" stroke="#94a3b8"/><text x="${PAD.left - 6}" y="${PAD.top + 10}" text-anchor="end">${max}</text><text x="${PAD.left - 6}" y="${PAD.top + innerH}" text-anchor="end">0</text>`;
  const first = points[0]?.label ?? '';
  const last = points.at(-1)?.label ?? '';
  const labels = `<text x="${PAD.left}" y="${HEIGHT - 8}">${esc(first)}</text>${points.length > 1 ? `<text x="${PAD.left + innerW}" y="${HEIGHT - 8}" text-anchor="end">${esc(last)}</text>` : ''}`;
  return `<figure class="panel" id="history-chart"><svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${esc(title)}" width="100%">${axis}${lines}${legend}${labels}</svg><figcaption class="muted">${esc(title)} (${points.length} pass(es))</figcaption></figure>`;
}
