/**
 * The web dashboard and its JSON API, as one request handler that `kubeward serve` mounts beside its own
 * endpoints and `kubeward dashboard` runs alone. Read-only: GET and HEAD only. Pages are server-rendered
 * HTML without any script; filters are a GET form. Every answer carries a strict Content-Security-Policy,
 * nosniff and frame-ancestors 'none'; 5xx answers never carry internals.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../core/clock.js';
import { BASE_STYLE, cspHash, esc, htmlDocument } from '../scorecard/html.js';
import type { Store } from '../store/model.js';
import type { PageContext } from './context.js';
import { layout } from './layout.js';
import type { DashboardPage } from './page.js';
import { ALERT_LIMIT } from './pages/alerts.js';
import { PAGES } from './pages/index.js';
import { FilterError, filtersJson, parseFilters } from './query.js';

export { PAGES } from './pages/index.js';
export { buildPatchPlan } from './patch-plan.js';
export type { WorkloadPlan } from './patch-plan.js';
export { parseFilters } from './query.js';
export type { Filters } from './query.js';

export const API_PREFIX = '/api/v1/';
/** Longest request target accepted. */
export const MAX_URL_LENGTH = 2048;

export interface Dashboard {
  /** Answers the request and resolves true when the path is the dashboard's; false leaves it to the caller. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
}

export interface DashboardOptions {
  store: Store;
  clock: Clock;
  /** Called with errors behind 500 answers (the answer itself says only "internal error"). */
  onError?: (error: unknown) => void;
}

const CSP = `default-src 'none'; style-src ${cspHash(BASE_STYLE)}; img-src data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`;

function securityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
}

function send(req: IncomingMessage, res: ServerResponse, status: number, type: string, body: string): void {
  securityHeaders(res);
  res.statusCode = status;
  res.setHeader('Content-Type', type);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(req.method === 'HEAD' ? undefined : body);
}

function route(pathname: string): { page: DashboardPage; api: boolean } | 'unknown-api' | undefined {
  if (pathname.startsWith(API_PREFIX)) {
    const page = PAGES.get(pathname.slice(API_PREFIX.length));
    return page ? { page, api: true } : 'unknown-api';
  }
  const page = PAGES.items.find((p) => (p.slug === '' ? pathname === '/' : pathname === `/${p.slug}`));
  return page ? { page, api: false } : undefined;
}

async function knownNamespaces(ctx: PageContext): Promise<string[]> {
  const [history, alerts] = await Promise.all([ctx.store.postureHistory(1), ctx.store.alerts(ALERT_LIMIT)]);
  const names = new Set<string>();
  for (const w of ctx.workloads) names.add(w.namespace);
  for (const c of history[0]?.counts ?? []) names.add(c.namespace);
  for (const a of alerts) if (a.namespace) names.add(a.namespace);
  return [...names].filter((n) => n.length > 0).sort();
}

export function createDashboard(options: DashboardOptions): Dashboard {
  const { store, clock } = options;
  return {
    async handle(req, res) {
      const target = req.url ?? '/';
      let url: URL;
      try {
        url = new URL(target, 'http://dashboard.invalid');
      } catch {
        return false;
      }
      const found = route(url.pathname);
      if (found === undefined) return false;
      const api = found === 'unknown-api' || found.api;
      const fail = (status: number, message: string): void =>
        api
          ? send(
              req,
              res,
              status,
              'application/json; charset=utf-8',
              `${JSON.stringify({ error: message })}\n`,
            )
          : send(
              req,
              res,
              status,
              'text/html; charset=utf-8',
              htmlDocument('kubeward', `<h1>${status}</h1>`, `<p>${esc(message)}</p>`),
            );
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        fail(405, 'the dashboard is read-only: GET or HEAD');
        return true;
      }
      if (target.length > MAX_URL_LENGTH) {
        fail(414, `request target longer than ${MAX_URL_LENGTH} characters`);
        return true;
      }
      if (found === 'unknown-api') {
        fail(404, `no such API: ${url.pathname}`);
        return true;
      }
      let filters;
      try {
        filters = parseFilters(url.search);
      } catch (error) {
        if (!(error instanceof FilterError)) throw error;
        fail(400, error.message);
        return true;
      }
      try {
        const [all, clusters] = await Promise.all([store.workloads(), store.clusters()]);
        const byCluster = found.page.filters.includes('cluster') ? filters.cluster : undefined;
        const ctx: PageContext = {
          store,
          clock,
          filters,
          workloads: byCluster === undefined ? all : all.filter((w) => w.cluster === byCluster),
          clusters,
        };
        const { data, html } = await found.page.run(ctx);
        const generatedAt = clock.now().toISOString();
        if (found.api) {
          const body = { generatedAt, filters: filtersJson(filters), ...data };
          send(req, res, 200, 'application/json; charset=utf-8', `${JSON.stringify(body, null, 2)}\n`);
        } else {
          const page = layout({
            page: found.page,
            nav: PAGES.items.map((p) => ({ slug: p.slug, title: p.title })),
            filters,
            namespaces: found.page.filters.includes('namespace') ? await knownNamespaces(ctx) : [],
            clusters: ctx.clusters,
            generatedAt,
            body: html,
          });
          send(req, res, 200, 'text/html; charset=utf-8', page);
        }
      } catch (error) {
        options.onError?.(error);
        fail(500, 'internal error');
      }
      return true;
    },
  };
}
