// The scorecard as HTML: one self-contained file (`kubeward report --format html`) and the same sections for
// the dashboard's front page. No script at all; one inline style allowed by its hash in a strict
// Content-Security-Policy. Every string from an input is escaped (and control or bidi characters made visible).
import { createHash } from 'node:crypto';
import type { Severity } from '../core/severity.js';
import { SEVERITIES } from '../core/severity.js';
import { visibleText } from '../report/terminal-text.js';
import { escapeMarkup } from '../report/xml-text.js';
import type { AreaScore, ScoredFinding, Scorecard } from './model.js';

/** Detail rows per area in HTML; the JSON output always has every finding. */
export const MAX_DETAIL_ROWS = 500;

export function esc(text: string): string {
  return escapeMarkup(visibleText(text));
}

export function cspHash(source: string): string {
  return `'sha256-${createHash('sha256').update(source, 'utf8').digest('base64')}'`;
}

export const BASE_STYLE = `
:root{--bg:#f6f7f9;--panel:#fff;--text:#1f2933;--muted:#64748b;--line:#e2e8f0;--accent:#2563eb;
--critical:#9f1239;--high:#dc2626;--medium:#d97706;--low:#2563eb;--info:#64748b;
--good:#15803d;--fair:#65a30d;--poor:#d97706;--bad:#dc2626;
font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color-scheme:light}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--text);font-size:14px;line-height:1.45}
header.top{background:#0f172a;color:#f8fafc;padding:20px 32px}
header.top .brand{font-weight:700;letter-spacing:.08em;text-transform:uppercase;font-size:12px;color:#93c5fd}
header.top h1{margin:4px 0 8px;font-size:22px;font-weight:600}
header.top p{margin:0;color:#cbd5e1}
nav.pages{display:flex;flex-wrap:wrap;gap:4px 16px;margin-top:12px}
nav.pages a{color:#bfdbfe;text-decoration:none}nav.pages a[aria-current=page]{color:#fff;font-weight:700}
main{padding:24px 32px;max-width:1400px;margin:0 auto}
section{margin-bottom:28px}
h2{font-size:17px;margin:0 0 12px}h3{font-size:15px;margin:0 0 8px}
a{color:var(--accent)}
.areas{display:grid;grid-template-columns:repeat(auto-fit,minmax(250px,1fr));gap:12px}
.area{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:12px 16px;border-top:5px solid var(--muted)}
.area.good{border-top-color:var(--good)}.area.fair{border-top-color:var(--fair)}
.area.poor{border-top-color:var(--poor)}.area.bad{border-top-color:var(--bad)}
.area .score{font-size:30px;font-weight:700}.area .na{font-size:16px;color:var(--muted);font-weight:600}
.area p.desc{color:var(--muted);font-size:12px;margin:2px 0 8px}
.area ol{margin:6px 0 0;padding-left:18px}.area li{margin-bottom:4px;overflow-wrap:anywhere}
.overall{font-size:15px;margin-bottom:12px}
.panel{background:var(--panel);border:1px solid var(--line);border-radius:8px;overflow:auto}
table{width:100%;border-collapse:collapse}
th,td{text-align:left;padding:6px 10px;border-bottom:1px solid var(--line);vertical-align:top;overflow-wrap:anywhere}
th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);background:var(--panel)}
.sev{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;font-weight:600}
.sev.critical{background:var(--critical)}.sev.high{background:var(--high)}.sev.medium{background:var(--medium)}
.sev.low{background:var(--low)}.sev.info{background:var(--info)}.sev.unknown{background:var(--info)}
.muted{color:var(--muted)}code{font-size:12px}
form.filters{display:flex;flex-wrap:wrap;gap:10px 18px;align-items:end;padding:12px 16px;background:var(--panel);
border:1px solid var(--line);border-radius:8px;margin-bottom:12px}
form.filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted)}
form.filters label.check{flex-direction:row;gap:6px;align-items:center;font-size:14px;color:var(--text)}
form.filters select,form.filters input{font:inherit;padding:4px 8px;border:1px solid var(--line);border-radius:6px}
form.filters button{font:inherit;padding:5px 14px;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer}
ul.warnings{color:#92400e}
svg text{fill:var(--text);font-size:11px}
.stroke-critical{stroke:var(--critical)}.stroke-high{stroke:var(--high)}.stroke-medium{stroke:var(--medium)}
.stroke-low{stroke:var(--low)}.stroke-info{stroke:var(--info)}
.fill-critical{fill:var(--critical)}.fill-high{fill:var(--high)}.fill-medium{fill:var(--medium)}
.fill-low{fill:var(--low)}.fill-info{fill:var(--info)}
ol.checklist li{margin-bottom:4px}
`;

/** Score bands for colour only; the number is what counts. */
export function band(score: number | null): string {
  if (score === null) return 'na';
  return score >= 90 ? 'good' : score >= 70 ? 'fair' : score >= 50 ? 'poor' : 'bad';
}

export function severityBadge(severity: Severity | 'unknown'): string {
  return `<span class="sev ${esc(severity)}">${esc(severity)}</span>`;
}

function findingAnchor(area: string, index: number): string {
  return `f-${area}-${index + 1}`;
}

/** A relative or absolute file path as a link; anything that looks like a URL scheme stays plain text. */
function sourceHtml(source: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(source) || source === 'store' || source.startsWith('store '))
    return esc(source);
  const href = source.startsWith('/') || source.startsWith('.') ? source : `./${source}`;
  return `<a href="${esc(encodeURI(href))}">${esc(source)}</a>`;
}

/** The detail row of a worst finding, or the area's details when that row is past the HTML row limit. */
function worstHref(area: AreaScore, f: ScoredFinding, maxRows: number): string {
  const index = area.findings.indexOf(f);
  return index >= 0 && index < maxRows ? `#${findingAnchor(area.id, index)}` : `#details-${area.id}`;
}

function areaCard(area: AreaScore, maxRows: number): string {
  const score =
    area.score === null
      ? '<span class="na">not assessed</span>'
      : `<span class="score">${area.score}</span><span class="muted"> / 100</span>`;
  const worst =
    area.worst.length === 0
      ? `<p class="muted">${area.assessed ? 'no findings' : 'no input covers this area'}</p>`
      : `<ol>${area.worst
          .map(
            (f) =>
              `<li>${severityBadge(f.severity)} <a href="${worstHref(area, f, maxRows)}">${esc(f.title)}</a> <span class="muted">${esc(f.target)}</span></li>`,
          )
          .join('')}</ol>`;
  return `<article class="area ${band(area.score)}" id="area-${area.id}" data-area="${area.id}">
<h3><a href="#details-${area.id}">${esc(area.title)}</a></h3>
<div>${score}</div>
<p class="desc">${esc(area.description)}</p>
<p class="muted">${area.total} finding(s)${
    area.total > 0
      ? `: ${SEVERITIES.filter((s) => area.counts[s] > 0)
          .map((s) => `${area.counts[s]} ${s}`)
          .join(', ')}`
      : ''
  }${area.sources.length > 0 ? ` &middot; from ${area.sources.map(esc).join(', ')}` : ''}</p>
${worst}
</article>`;
}

function findingRow(f: ScoredFinding, anchor: string): string {
  return `<tr id="${anchor}"><td>${severityBadge(f.severity)}</td><td><code>${esc(f.ruleId)}</code><br>${esc(f.title)}</td><td>${esc(f.target)}</td><td>${esc(f.detail)}</td><td>${f.location ? `<code>${esc(f.location)}</code><br>` : ''}${sourceHtml(f.source)}</td></tr>`;
}

function areaDetails(area: AreaScore, maxRows: number): string {
  if (area.total === 0) return '';
  const rows = area.findings.slice(0, maxRows);
  const more = area.total - rows.length;
  return `<section id="details-${area.id}"><h2>${esc(area.title)}: ${area.total} finding(s)</h2>
<div class="panel"><table><thead><tr><th>Severity</th><th>Rule</th><th>Target</th><th>Detail</th><th>Where</th></tr></thead><tbody>
${rows.map((f, i) => findingRow(f, findingAnchor(area.id, i))).join('\n')}
</tbody></table></div>${more > 0 ? `<p class="muted">${more} more finding(s) in the JSON output.</p>` : ''}</section>`;
}

/** The scorecard sections (cards, then details per area), shared by the report file and the dashboard. */
export function scorecardSectionsHtml(card: Scorecard, maxRows: number = MAX_DETAIL_ROWS): string {
  const overall =
    card.overall === null
      ? 'Nothing assessed yet: give kubeward report the JSON outputs of your scans, or a store.'
      : `Overall <strong>${card.overall}</strong> / 100 over ${card.areas.filter((a) => a.assessed).length} assessed area(s) of 9.`;
  const inputs = card.inputs
    .map(
      (i) =>
        `<tr><td>${sourceHtml(i.source)}</td><td>${esc(i.kind)}</td><td>${esc(i.areas.join(', ') || '-')}</td><td>${i.findings}</td></tr>`,
    )
    .join('');
  return `<section><p class="overall" id="overall">${overall}</p>
<div class="areas">${card.areas.map((a) => areaCard(a, maxRows)).join('\n')}</div></section>
${card.warnings.length > 0 ? `<section><h2>Warnings</h2><ul class="warnings">${card.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></section>` : ''}
${card.areas.map((a) => areaDetails(a, maxRows)).join('\n')}
<section id="inputs"><h2>Inputs</h2><div class="panel"><table><thead><tr><th>Source</th><th>Kind</th><th>Areas</th><th>Findings</th></tr></thead><tbody>${inputs}</tbody></table></div></section>
<section id="scoring"><h2>How scores are computed</h2><p><code>${esc(card.scoring.formula)}</code>; weights ${SEVERITIES.map((s) => `${s} ${card.scoring.weights[s]}`).join(', ')}. An area no input covers is <em>not assessed</em>; the overall score is the mean of the assessed areas.</p></section>`;
}

/** A complete HTML document around `body`, with a CSP that allows only this page's own inline style. */
export function htmlDocument(title: string, header: string, body: string): string {
  // frame-ancestors is left to the HTTP header (the dashboard sends it): browsers ignore it in a meta element.
  const csp = `default-src 'none'; style-src ${cspHash(BASE_STYLE)}; img-src data:; base-uri 'none'; form-action 'self'`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(title)}</title>
<style>${BASE_STYLE}</style></head>
<body><header class="top"><div class="brand">kubeward</div>${header}</header>
<main>${body}</main></body></html>
`;
}

export function renderScorecardHtml(card: Scorecard): string {
  const header = `<h1>Security scorecard</h1><p>Generated ${esc(card.generatedAt)} from ${card.inputs.length} input(s).</p>`;
  return htmlDocument('kubeward scorecard', header, scorecardSectionsHtml(card));
}
