// One self-contained HTML page: summary cards, inline SVG charts computed here, and a filterable findings table.
// Every string from the report is escaped with escapeMarkup; data reaches the script only through escaped DOM
// attributes (never interpolated into script text), and a hash-based Content-Security-Policy refuses any
// script or style that is not ours, so a missed escape still cannot run code.
import { createHash } from 'node:crypto';
import type { Finding, RuleMeta } from '../core/finding.js';
import type { InputProblem, Report, SeverityCounts } from '../core/report.js';
import { countBySeverity } from '../core/report.js';
import type { Severity } from '../core/severity.js';
import { SEVERITIES } from '../core/severity.js';
import type { Formatter } from './formatter.js';
import {
  compareText,
  isWebUrl,
  locationLabel,
  namespaceOf,
  plural,
  referencesOf,
  remediationOf,
  rulesOf,
} from './format-helpers.js';
import { visibleText } from './terminal-text.js';
import { escapeMarkup } from './xml-text.js';

/** Filter value and chart label for findings on cluster-scoped objects; parentheses never occur in names. */
const CLUSTER_SCOPED = '(cluster-scoped)';

/** Namespaces beyond this many are folded into one "other" bar so the chart stays readable. */
const MAX_NAMESPACE_BARS = 12;

const SEVERITY_LABEL: Record<Severity, string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  info: 'Info',
};

const STYLE = `
:root{--bg:#f6f7f9;--panel:#fff;--text:#1f2933;--muted:#64748b;--line:#e2e8f0;--accent:#2563eb;
--critical:#9f1239;--high:#dc2626;--medium:#d97706;--low:#2563eb;--info:#64748b;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color-scheme:light dark}
@media (prefers-color-scheme:dark){:root{--bg:#0f172a;--panel:#162033;--text:#e2e8f0;--muted:#94a3b8;
--line:#273449;--info:#94a3b8;--low:#60a5fa}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--text);font-size:14px;line-height:1.45}
header.top{background:#0f172a;color:#f8fafc;padding:24px 32px}
header.top .brand{font-weight:700;letter-spacing:.08em;text-transform:uppercase;font-size:12px;color:#93c5fd}
header.top h1{margin:4px 0 12px;font-size:24px;font-weight:600}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0;font-size:13px}
dl.meta dt{color:#94a3b8}dl.meta dd{margin:0;overflow-wrap:anywhere}
main{padding:24px 32px;max-width:1400px;margin:0 auto}
section{margin-bottom:28px}
h2{font-size:17px;margin:0 0 12px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(130px,1fr));gap:12px}
.card{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:12px 16px;border-top:4px solid var(--muted)}
.card .n{font-size:28px;font-weight:700;display:block}
.card .l{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.05em}
.card.total{border-top-color:var(--accent)}
.card.critical{border-top-color:var(--critical)}.card.high{border-top-color:var(--high)}
.card.medium{border-top-color:var(--medium)}.card.low{border-top-color:var(--low)}.card.info{border-top-color:var(--info)}
.card.problems{border-top-color:#7c3aed}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:12px}
figure.chart{margin:0;background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:12px 16px}
figure.chart figcaption{font-weight:600;margin-bottom:8px}
figure.chart svg{width:100%;height:auto;display:block}
svg text{fill:var(--text);font-size:12px}svg text.count{fill:var(--muted)}
svg .track{fill:var(--line)}
.fill-critical{fill:var(--critical)}.fill-high{fill:var(--high)}.fill-medium{fill:var(--medium)}
.fill-low{fill:var(--low)}.fill-info{fill:var(--info)}
.panel{background:var(--panel);border:1px solid var(--line);border-radius:8px;overflow:hidden}
form.filters{display:flex;flex-wrap:wrap;gap:12px 20px;align-items:center;padding:12px 16px;border-bottom:1px solid var(--line)}
form.filters fieldset{border:0;margin:0;padding:0;display:flex;gap:10px;flex-wrap:wrap}
form.filters legend{float:left;margin-right:8px;color:var(--muted)}
form.filters label{white-space:nowrap;cursor:pointer}
form.filters select,form.filters input[type=search]{font:inherit;padding:4px 8px;border:1px solid var(--line);
border-radius:6px;background:var(--panel);color:var(--text)}
form.filters input[type=search]{min-width:240px}
form.filters output{margin-left:auto;color:var(--muted)}
table{width:100%;border-collapse:collapse}
th,td{text-align:left;vertical-align:top;padding:8px 12px;border-bottom:1px solid var(--line)}
th{font-size:12px;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);background:var(--panel);position:sticky;top:0}
tr[hidden]{display:none}
td code,td .path{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;overflow-wrap:break-word}
th.c-sev{width:90px}th.c-rule{width:190px}th.c-obj{width:230px}th.c-loc{width:210px}
ul.legend{list-style:none;display:flex;flex-wrap:wrap;gap:4px 14px;margin:8px 0 0;padding:0;font-size:12px;color:var(--muted)}
.key{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.key-critical{background:var(--critical)}.key-high{background:var(--high)}.key-medium{background:var(--medium)}
.key-low{background:var(--low)}.key-info{background:var(--info)}
.muted{color:var(--muted);font-size:12.5px}
.sev{display:inline-block;min-width:68px;text-align:center;border-radius:999px;padding:1px 8px;font-size:12px;font-weight:600;color:#fff}
.sev-critical{background:var(--critical)}.sev-high{background:var(--high)}.sev-medium{background:var(--medium)}
.sev-low{background:var(--low)}.sev-info{background:var(--info)}
.title{font-weight:600}
details{margin-top:4px}summary{cursor:pointer;color:var(--accent)}
details p,details ul{margin:4px 0}
a{color:var(--accent)}
#empty{padding:16px;color:var(--muted);margin:0}
footer{color:var(--muted);font-size:12px;padding:0 32px 24px;text-align:center}
@media print{form.filters{display:none}header.top{background:none;color:inherit}th{position:static}}
`;

const SCRIPT = `
(function () {
  'use strict';
  var form = document.getElementById('filters');
  var rows = Array.prototype.slice.call(document.querySelectorAll('#findings tbody tr'));
  var shownOut = document.getElementById('shown');
  var empty = document.getElementById('empty');
  function apply() {
    var wanted = {};
    Array.prototype.forEach.call(form.querySelectorAll('input[name=severity]'), function (box) {
      wanted[box.value] = box.checked;
    });
    var ns = form.elements.namespace.value;
    var query = form.elements.q.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var ok = wanted[row.getAttribute('data-severity')] === true &&
        (ns === '' || row.getAttribute('data-namespace') === ns) &&
        (query === '' || row.textContent.toLowerCase().indexOf(query) !== -1);
      row.hidden = !ok;
      if (ok) shown += 1;
    });
    shownOut.textContent = 'Showing ' + shown + ' of ' + rows.length;
    empty.hidden = shown !== 0;
  }
  form.addEventListener('input', apply);
  form.addEventListener('change', apply);
  form.addEventListener('submit', function (event) { event.preventDefault(); });
  apply();
})();
`;

/** Escape for HTML, with control and bidi characters made visible (they could disguise text). */
function esc(text: string): string {
  return escapeMarkup(visibleText(text));
}

/** A file path or location, allowed to break after each slash rather than mid-name. */
function pathHtml(path: string): string {
  return `<span class="path">${esc(path).replace(/\//g, '/<wbr>')}</span>`;
}

function cspHash(source: string): string {
  return `'sha256-${createHash('sha256').update(source, 'utf8').digest('base64')}'`;
}

/** `2024-05-01T12:00:00.000Z` -> `2024-05-01 12:00:00 UTC`; anything else is shown as given. */
function displayTime(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
}

function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}\u2026`;
}

/** Round for SVG coordinates: short, and identical on every platform. */
function px(value: number): string {
  return String(Math.round(value * 10) / 10);
}

interface BarRow {
  label: string;
  title: string;
  counts: Partial<Record<Severity, number>>;
}

/** Horizontal bar chart; each bar is stacked by severity so both charts share one colour key. */
function barChart(rows: readonly BarRow[], ariaLabel: string): string {
  const width = 520;
  const labelWidth = 150;
  const countWidth = 40;
  const barMax = width - labelWidth - countWidth;
  const rowHeight = 26;
  const totals = rows.map((r) => SEVERITIES.reduce((sum, s) => sum + (r.counts[s] ?? 0), 0));
  const max = Math.max(1, ...totals);
  const height = rows.length * rowHeight + 4;
  const parts: string[] = [];
  rows.forEach((row, i) => {
    const y = i * rowHeight + 4;
    const total = totals[i] ?? 0;
    parts.push(`<g><title>${esc(`${row.title}: ${plural(total, 'finding')}`)}</title>`);
    parts.push(`<text x="0" y="${y + 13}">${esc(truncate(row.label, 22))}</text>`);
    parts.push(`<rect class="track" x="${labelWidth}" y="${y + 2}" width="${barMax}" height="16" rx="3"/>`);
    let x = labelWidth;
    for (const s of SEVERITIES) {
      const n = row.counts[s] ?? 0;
      if (n === 0) continue;
      const w = (n / max) * barMax;
      parts.push(`<rect class="fill-${s}" x="${px(x)}" y="${y + 2}" width="${px(w)}" height="16" rx="3"/>`);
      x += w;
    }
    parts.push(`<text class="count" x="${labelWidth + barMax + 8}" y="${y + 13}">${total}</text></g>`);
  });
  return (
    `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(ariaLabel)}" ` +
    `xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg>`
  );
}

function severityChart(counts: SeverityCounts): string {
  const rows = SEVERITIES.map((s) => ({
    label: SEVERITY_LABEL[s],
    title: SEVERITY_LABEL[s],
    counts: { [s]: counts[s] },
  }));
  const summary = SEVERITIES.map((s) => `${counts[s]} ${s}`).join(', ');
  return barChart(rows, `Findings by severity: ${summary}`);
}

function namespaceKey(f: Finding): string {
  return namespaceOf(f.target) ?? CLUSTER_SCOPED;
}

function namespaceChart(findings: readonly Finding[]): string {
  if (findings.length === 0) return '<p class="muted">No findings.</p>';
  const byNs = new Map<string, Partial<Record<Severity, number>>>();
  for (const f of findings) {
    const key = namespaceKey(f);
    const counts = byNs.get(key) ?? {};
    counts[f.severity] = (counts[f.severity] ?? 0) + 1;
    byNs.set(key, counts);
  }
  const total = (c: Partial<Record<Severity, number>>): number =>
    SEVERITIES.reduce((sum, s) => sum + (c[s] ?? 0), 0);
  const sorted = [...byNs.entries()].sort((a, b) => total(b[1]) - total(a[1]) || compareText(a[0], b[0]));
  const rows: BarRow[] = sorted
    .slice(0, MAX_NAMESPACE_BARS)
    .map(([ns, counts]) => ({ label: ns, title: ns, counts }));
  const rest = sorted.slice(MAX_NAMESPACE_BARS);
  if (rest.length > 0) {
    const counts: Partial<Record<Severity, number>> = {};
    for (const [, c] of rest) for (const s of SEVERITIES) counts[s] = (counts[s] ?? 0) + (c[s] ?? 0);
    const label = `${plural(rest.length, 'other namespace')}`;
    rows.push({ label, title: label, counts });
  }
  return barChart(rows, `Findings by namespace: ${sorted.map(([ns, c]) => `${ns} ${total(c)}`).join(', ')}`);
}

function legend(): string {
  const items = SEVERITIES.map((s) => `<li><span class="key key-${s}"></span>${SEVERITY_LABEL[s]}</li>`);
  return `<ul class="legend" aria-hidden="true">${items.join('')}</ul>`;
}

function cards(counts: SeverityCounts, total: number, problems: number): string {
  const card = (cls: string, n: number, label: string): string =>
    `<div class="card ${cls}"><span class="n">${n}</span><span class="l">${esc(label)}</span></div>`;
  return [
    card('total', total, 'Findings'),
    ...SEVERITIES.map((s) => card(s, counts[s], SEVERITY_LABEL[s])),
    card('problems', problems, 'Input problems'),
  ].join('\n');
}

function referenceList(refs: readonly string[]): string {
  if (refs.length === 0) return '';
  const items = refs.map((r) =>
    isWebUrl(r)
      ? `<li><a href="${esc(r)}" rel="noopener noreferrer">${esc(r)}</a></li>`
      : `<li>${esc(r)}</li>`,
  );
  return `<ul>${items.join('')}</ul>`;
}

function findingRow(f: Finding, rule: RuleMeta | undefined): string {
  const t = f.target;
  const scope = [t.namespace ? `namespace ${t.namespace}` : 'cluster-scoped'];
  if (t.container) scope.push(`container ${t.container}`);
  const loc = locationLabel(f);
  const remediation = remediationOf(f, rule);
  const refs = referencesOf(f, rule);
  const more =
    remediation || refs.length > 0 || t.field
      ? `<details><summary>How to fix</summary>${remediation ? `<p>${esc(remediation)}</p>` : ''}` +
        `${t.field ? `<p class="muted">Field <code>${esc(t.field)}</code></p>` : ''}${referenceList(refs)}</details>`
      : '';
  return [
    `<tr data-severity="${esc(f.severity)}" data-namespace="${esc(namespaceKey(f))}">`,
    `<td><span class="sev sev-${esc(f.severity)}">${esc(SEVERITY_LABEL[f.severity])}</span></td>`,
    `<td><code>${esc(f.ruleId)}</code><div class="muted">${esc(f.category)}</div></td>`,
    `<td>${esc(t.kind)} <strong>${esc(t.name)}</strong><div class="muted">${esc(scope.join(' \u00b7 '))}</div></td>`,
    `<td>${loc ? pathHtml(loc) : '<span class="muted">live object</span>'}</td>`,
    `<td><div class="title">${esc(f.title)}</div><div>${esc(f.detail)}</div>${more}</td>`,
    '</tr>',
  ].join('');
}

function problemsSection(problems: readonly InputProblem[]): string {
  if (problems.length === 0) return '';
  const rows = problems.map((p) => {
    const at =
      p.line === undefined ? p.file : `${p.file}:${p.line}${p.column === undefined ? '' : `:${p.column}`}`;
    return `<tr><td>${pathHtml(at)}</td><td>${esc(p.message)}</td></tr>`;
  });
  return (
    `<section aria-labelledby="problems-h"><h2 id="problems-h">Input problems (${problems.length})</h2>` +
    `<div class="panel"><table><thead><tr><th>Where</th><th>Problem</th></tr></thead>` +
    `<tbody>${rows.join('\n')}</tbody></table></div></section>`
  );
}

function filters(findings: readonly Finding[]): string {
  const namespaces = [...new Set(findings.map(namespaceKey))].sort(compareText);
  const boxes = SEVERITIES.map(
    (s) => `<label><input type="checkbox" name="severity" value="${s}" checked> ${SEVERITY_LABEL[s]}</label>`,
  ).join('');
  const options = namespaces.map((ns) => `<option value="${esc(ns)}">${esc(ns)}</option>`).join('');
  return (
    `<form class="filters" id="filters" role="search">` +
    `<fieldset><legend>Severity</legend>${boxes}</fieldset>` +
    `<label>Namespace <select name="namespace"><option value="">All namespaces</option>${options}</select></label>` +
    `<label>Search <input type="search" name="q" placeholder="rule, object, file, text\u2026"></label>` +
    `<output id="shown">Showing ${findings.length} of ${findings.length}</output></form>`
  );
}

export function formatHtml(report: Report): string {
  const counts = countBySeverity(report.findings);
  const rules = new Map(rulesOf(report).map((r) => [r.id, r]));
  const rows = report.findings.map((f) => findingRow(f, rules.get(f.ruleId)));
  const inputs = report.inputs.length > 0 ? report.inputs.map((i) => esc(i)).join('<br>') : '(none)';
  const csp = [
    "default-src 'none'",
    `style-src ${cspHash(STYLE)}`,
    `script-src ${cspHash(SCRIPT)}`,
    "img-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const tool = `${report.tool.name} ${report.tool.version}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">
<meta name="referrer" content="no-referrer">
<meta name="generator" content="${esc(tool)}">
<title>${esc(`${report.tool.name} security report`)}</title>
<style>${STYLE}</style>
</head>
<body>
<header class="top">
<div class="brand">${esc(report.tool.name)}</div>
<h1>Kubernetes security report</h1>
<dl class="meta">
<dt>Generated</dt><dd><time datetime="${esc(report.generatedAt)}">${esc(displayTime(report.generatedAt))}</time></dd>
<dt>Tool</dt><dd>${esc(tool)}</dd>
<dt>Inputs</dt><dd>${inputs}</dd>
<dt>Scanned</dt><dd>${esc(`${plural(report.stats.objects, 'object')} in ${plural(report.stats.files, 'file')}`)}</dd>
</dl>
</header>
<main>
<section aria-label="Summary" class="cards">
${cards(counts, report.findings.length, report.problems.length)}
</section>
<section class="charts" aria-label="Charts">
<figure class="chart"><figcaption>Findings by severity</figcaption>${severityChart(counts)}</figure>
<figure class="chart"><figcaption>Findings by namespace</figcaption>${namespaceChart(report.findings)}${legend()}</figure>
</section>
${problemsSection(report.problems)}
<section aria-labelledby="findings-h">
<h2 id="findings-h">Findings (${report.findings.length})</h2>
<div class="panel">
${filters(report.findings)}
<table id="findings">
<thead><tr><th class="c-sev">Severity</th><th class="c-rule">Rule</th><th class="c-obj">Object</th>\
<th class="c-loc">Location</th><th>Finding</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
<p id="empty"${report.findings.length === 0 ? '' : ' hidden'}>No findings to show.</p>
</div>
</section>
</main>
<footer>Generated by ${esc(tool)} at ${esc(report.generatedAt)}.</footer>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

export const html: Formatter = {
  id: 'html',
  description: 'self-contained HTML page with charts and a filterable findings table',
  extension: 'html',
  format: (report) => formatHtml(report),
};
