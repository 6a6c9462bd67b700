// A dashboard page: a slug (served at /SLUG and /api/v1/SLUG), the filters it honours, a loader that reads the
// store into plain data (the JSON API answer) and a renderer of that same data as HTML.
import type { PageContext } from './context.js';

export type FilterName = 'cluster' | 'namespace' | 'severity' | 'fixable';

export interface DashboardPage {
  /** '' is the front page (`/`, API `/api/v1/scorecard`). */
  slug: string;
  apiName: string;
  title: string;
  filters: readonly FilterName[];
  run(ctx: PageContext): Promise<{ data: Record<string, unknown>; html: string }>;
}

export function definePage<T extends Record<string, unknown>>(page: {
  slug: string;
  apiName: string;
  title: string;
  filters: readonly FilterName[];
  load(ctx: PageContext): Promise<T>;
  render(data: T, ctx: PageContext): string;
}): DashboardPage {
  return {
    slug: page.slug,
    apiName: page.apiName,
    title: page.title,
    filters: page.filters,
    async run(ctx) {
      const data = await page.load(ctx);
      return { data, html: page.render(data, ctx) };
    },
  };
}
