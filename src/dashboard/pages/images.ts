// Images with fixable vulnerabilities: the latest scan of every digest, with what a rebuild or bump would fix.
import type { StoredVuln } from '../../store/model.js';
import { esc, severityBadge } from '../../scorecard/html.js';
import { namespacesByDigest } from '../context.js';
import { table } from '../layout.js';
import { definePage } from '../page.js';
import { byText, isFixable, meetsSeverity, packageName } from '../vulns.js';

/** Vulnerabilities listed per image on the page; the API answer has them all. */
const LISTED_PER_IMAGE = 8;

export interface ImageRow {
  repository: string;
  digest: string;
  tags: string[];
  scannedAt: string;
  origin: string | null;
  namespaces: string[];
  vulnerabilities: number;
  fixable: number;
  matching: StoredVuln[];
}

const RANK = { critical: 0, high: 1, medium: 2, low: 3, info: 4, unknown: 5 } as const;

export const imagesPage = definePage<{ images: ImageRow[] }>({
  slug: 'images',
  apiName: 'images',
  title: 'Images with fixable vulnerabilities',
  filters: ['namespace', 'severity', 'fixable'],
  async load(ctx) {
    const { namespace, severity, fixable } = ctx.filters;
    const where = namespacesByDigest(ctx.workloads);
    const images: ImageRow[] = [];
    for (const scan of await ctx.store.latestImageScans()) {
      if (scan.error !== undefined) continue;
      const namespaces = where.get(scan.digest) ?? [];
      if (namespace && !namespaces.includes(namespace)) continue;
      const matching = scan.vulnerabilities
        .filter((v) => meetsSeverity(v.severity, severity) && (!fixable || isFixable(v)))
        .sort(
          (a, b) => RANK[a.severity] - RANK[b.severity] || byText(a.id, b.id) || byText(a.package, b.package),
        );
      if ((fixable || severity) && matching.length === 0) continue;
      images.push({
        repository: scan.repository,
        digest: scan.digest,
        tags: scan.tags,
        scannedAt: scan.scannedAt,
        origin: scan.origin ?? null,
        namespaces,
        vulnerabilities: scan.vulnerabilities.length,
        fixable: scan.vulnerabilities.filter(isFixable).length,
        matching,
      });
    }
    images.sort(
      (a, b) => b.fixable - a.fixable || byText(a.repository, b.repository) || byText(a.digest, b.digest),
    );
    return { images };
  },
  render(data) {
    const rows = data.images.map((img) => {
      const listed = img.matching
        .slice(0, LISTED_PER_IMAGE)
        .map(
          (v) =>
            `<li>${severityBadge(v.severity)} <code>${esc(v.id)}</code> ${esc(packageName(v))} ${esc(v.installed)}${v.fixedIn.length > 0 ? ` &rarr; ${esc(v.fixedIn.join(', '))}` : ' <span class="muted">(no fix)</span>'}</li>`,
        )
        .join('');
      const more = img.matching.length - LISTED_PER_IMAGE;
      return [
        `${esc(img.repository)}<br><code>${esc(img.digest.slice(0, 19))}</code> ${esc(img.tags.join(', '))}`,
        esc(img.namespaces.join(', ') || '-'),
        `<span class="fixable-count">${img.fixable}</span> / ${img.vulnerabilities}`,
        `<ul>${listed}</ul>${more > 0 ? `<span class="muted">${more} more</span>` : ''}`,
        esc(img.scannedAt),
      ];
    });
    return table(
      'images',
      ['Image', 'Namespaces', 'Fixable / all', 'Vulnerabilities', 'Scanned'],
      rows,
      'No scanned image matches.',
    );
  },
});
