// Page chrome: navigation, the filter form (a plain GET form, so filters work without any script) and tables.
import { SEVERITIES } from '../core/severity.js';
import { esc, htmlDocument } from '../scorecard/html.js';
import type { DashboardPage, FilterName } from './page.js';
import type { Filters } from './query.js';

export interface NavItem {
  slug: string;
  title: string;
}

export function pageHref(slug: string): string {
  return slug === '' ? '/' : `/${slug}`;
}

export function layout(options: {
  page: DashboardPage;
  nav: readonly NavItem[];
  filters: Filters;
  namespaces: readonly string[];
  clusters: readonly string[];
  generatedAt: string;
  body: string;
}): string {
  const { page } = options;
  const nav = options.nav
    .map(
      (n) =>
        `<a href="${pageHref(n.slug)}"${n.slug === page.slug ? ' aria-current="page"' : ''}>${esc(n.title)}</a>`,
    )
    .join('');
  const api = `/api/v1/${page.apiName}`;
  const header = `<h1>${esc(page.title)}</h1><p>As of ${esc(options.generatedAt)} &middot; JSON: <a href="${esc(api)}">${esc(api)}</a></p><nav class="pages">${nav}</nav>`;
  const form = filterForm(page, options.filters, options.namespaces, options.clusters);
  return htmlDocument(`kubeward: ${page.title}`, header, `${form}${options.body}`);
}

function filterForm(
  page: DashboardPage,
  filters: Filters,
  namespaces: readonly string[],
  clusters: readonly string[],
): string {
  if (page.filters.length === 0) return '';
  const fields: Record<FilterName, () => string> = {
    cluster: () => choice('cluster', 'Cluster', clusters, filters.cluster),
    namespace: () => choice('namespace', 'Namespace', namespaces, filters.namespace),
    severity: () => {
      const options = SEVERITIES.map(
        (s) => `<option value="${s}"${s === filters.severity ? ' selected' : ''}>${s} and above</option>`,
      ).join('');
      return `<label>Severity<select name="severity" id="filter-severity"><option value="">all</option>${options}</select></label>`;
    },
    fixable: () =>
      `<label class="check"><input type="checkbox" name="fixable" value="1" id="filter-fixable"${filters.fixable ? ' checked' : ''}> fixable only</label>`,
  };
  return `<form class="filters" method="get" action="${pageHref(page.slug)}">${page.filters.map((f) => fields[f]()).join('')}<button type="submit" id="filter-apply">Apply</button></form>`;
}

/** A select of the known values (and the chosen one, even when no longer known), `all` first. */
function choice(name: string, label: string, known: readonly string[], chosen: string | undefined): string {
  const values = new Set(known);
  if (chosen) values.add(chosen);
  const options = [...values]
    .sort()
    .map((v) => `<option value="${esc(v)}"${v === chosen ? ' selected' : ''}>${esc(v)}</option>`)
    .join('');
  return `<label>${label}<select name="${name}" id="filter-${name}"><option value="">all</option>${options}</select></label>`;
}

/** Rows a page table shows; the API answer has them all. Keeps pages small on large stores. */
export const MAX_TABLE_ROWS = 500;

/** A table with a stable id for tests and links; `rows` are already-escaped cells. */
export function table(
  id: string,
  headings: readonly string[],
  rows: readonly string[][],
  empty: string,
): string {
  if (rows.length === 0) return `<p class="muted" id="${id}-empty">${esc(empty)}</p>`;
  const shown = rows.slice(0, MAX_TABLE_ROWS);
  const more =
    rows.length > shown.length
      ? `<p class="muted" id="${id}-more">${rows.length - shown.length} more row(s): narrow the filters, or read the JSON API.</p>`
      : '';
  return `<div class="panel"><table id="${id}"><thead><tr>${headings.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${shown
    .map((cells) => `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`)
    .join('\n')}</tbody></table></div>${more}`;
}
