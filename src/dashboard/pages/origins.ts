// Unknown-origin and unsigned images: no trusted signature, and for unknown ones no recorded build either.
import { esc } from '../../scorecard/html.js';
import { namespacesByDigest } from '../context.js';
import { table } from '../layout.js';
import { definePage } from '../page.js';
import { byText } from '../vulns.js';

export interface OriginRow {
  repository: string;
  digest: string;
  tags: string[];
  /** `unknown`: nothing vouches for it; `ledger`: a recorded build, but unsigned; `unchecked`: never verified. */
  origin: 'unknown' | 'ledger' | 'unchecked';
  pipeline: string | null;
  namespaces: string[];
}

const ORDER = { unknown: 0, unchecked: 1, ledger: 2 } as const;

export const originsPage = definePage<{ images: OriginRow[] }>({
  slug: 'origins',
  apiName: 'origins',
  title: 'Unknown-origin and unsigned images',
  filters: ['namespace'],
  async load(ctx) {
    const where = namespacesByDigest(ctx.workloads);
    const images: OriginRow[] = [];
    for (const scan of await ctx.store.latestImageScans()) {
      if (scan.origin === 'signed') continue;
      const namespaces = where.get(scan.digest) ?? [];
      if (ctx.filters.namespace && !namespaces.includes(ctx.filters.namespace)) continue;
      const build = await ctx.store.findBuild(scan.digest);
      images.push({
        repository: scan.repository,
        digest: scan.digest,
        tags: scan.tags,
        origin: scan.origin ?? 'unchecked',
        pipeline: build?.pipeline ?? null,
        namespaces,
      });
    }
    images.sort(
      (a, b) =>
        ORDER[a.origin] - ORDER[b.origin] || byText(a.repository, b.repository) || byText(a.digest, b.digest),
    );
    return { images };
  },
  render(data) {
    const rows = data.images.map((i) => [
      `${esc(i.repository)}<br><code>${esc(i.digest.slice(0, 19))}</code> ${esc(i.tags.join(', '))}`,
      `<span class="origin-${esc(i.origin)}">${esc(i.origin === 'ledger' ? 'unsigned (recorded build)' : i.origin === 'unknown' ? 'unknown origin' : 'not verified')}</span>`,
      esc(i.pipeline ?? '-'),
      esc(i.namespaces.join(', ') || '-'),
    ]);
    return table(
      'origins',
      ['Image', 'Origin', 'Build pipeline', 'Namespaces'],
      rows,
      'Every scanned image is signed.',
    );
  },
});
