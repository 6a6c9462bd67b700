import type { Inventory, Package } from '../inventory/model.js';
import { matchAffected } from '../vulndb/affected.js';
import type { VulnSource } from '../vulndb/memory-source.js';
import { ecosystemBase, normalizePackageName } from '../vulndb/osv.js';
import type { OsvAffected, OsvRecord } from '../vulndb/osv.js';
import { comparatorFor } from '../vulndb/versions/index.js';
import { compareGeneric } from '../vulndb/versions/generic.js';
import { type Hit, mergeHits } from './merge.js';
import type { DetectResult, VendorStatus, VulnMatch } from './model.js';
import { queryFor } from './package-query.js';
import { severityOf } from './severity.js';
import { vendorStatusOf } from './vendor-status.js';

const STATUS_RANK: Record<VendorStatus, number> = { fixed: 3, 'will-not-fix': 2, 'not-fixed': 1, unknown: 0 };
const MAX_REFERENCES = 5;

/** Every vulnerability of every package in `inventory`, one match per (package, vulnerability). */
export function detectVulnerabilities(inventory: Inventory, source: VulnSource): DetectResult {
  const matches: VulnMatch[] = [];
  const warnings = new Set<string>();
  for (const pkg of inventory.packages) {
    const query = queryFor(pkg, inventory.os);
    if ('skip' in query) {
      warnings.add(query.skip);
      continue;
    }
    if (!comparatorFor(query.base)) {
      warnings.add(`no version comparator for ecosystem ${query.base}: its packages are not matched`);
      continue;
    }
    matches.push(...matchPackage(pkg, query, source));
  }
  return { matches, warnings: [...warnings].sort(), packagesChecked: inventory.packages.length };
}

function matchPackage(
  pkg: Package,
  query: Exclude<ReturnType<typeof queryFor>, { skip: string }>,
  source: VulnSource,
): VulnMatch[] {
  const hits: Hit[] = [];
  const done = new Set<string>();
  for (const name of query.names) {
    const wanted = normalizePackageName(query.base, name);
    const applies = (a: OsvAffected): boolean =>
      a.package !== undefined &&
      query.accepts(a.package.ecosystem) &&
      ecosystemBase(a.package.ecosystem) === query.base &&
      normalizePackageName(query.base, a.package.name) === wanted;
    for (const record of recordsOf(source, query.base, name, query.accepts)) {
      if (done.has(record.id) || record.withdrawn !== undefined) continue;
      done.add(record.id);
      const hit = hitOf(record, applies, query.version, name);
      if (hit) hits.push(hit);
    }
  }
  if (hits.length === 0) return [];
  const compare = comparatorFor(query.base)?.compare ?? compareGeneric;
  return mergeHits(hits, compare).map((m) => ({
    id: m.primary.record.id,
    aliases: m.aliases,
    advisories: m.advisories,
    ...(m.primary.record.summary ? { summary: m.primary.record.summary } : {}),
    package: pkg,
    matchedOn: m.primary.matchedOn,
    fixedIn: m.fixedIn,
    status: m.status,
    ...(m.statusReason ? { statusReason: m.statusReason } : {}),
    severity: m.severity,
    ...(m.primary.record.published ? { published: m.primary.record.published } : {}),
    modified: m.primary.record.modified,
    references: (m.primary.record.references ?? []).slice(0, MAX_REFERENCES).map((r) => r.url),
  }));
}

/** The records to evaluate for one package name: one query where the source can, else row by row. */
function recordsOf(
  source: VulnSource,
  base: string,
  name: string,
  accepts: (ecosystem: string) => boolean,
): OsvRecord[] {
  if (source.recordsFor) return source.recordsFor(base, name, accepts);
  const records: OsvRecord[] = [];
  const seen = new Set<string>();
  for (const row of source.affectedRows(base, name)) {
    if (seen.has(row.vulnId) || !accepts(row.ecosystem)) continue;
    seen.add(row.vulnId);
    const record = source.record(row.vulnId);
    if (record) records.push(record);
  }
  return records;
}

/** Evaluates every affected entry of `record` for this package (GHSA lists one entry per release branch). */
function hitOf(
  record: OsvRecord,
  applies: (a: OsvAffected) => boolean,
  version: string,
  name: string,
): Hit | undefined {
  let hit: Hit | undefined;
  for (const affected of record.affected ?? []) {
    if (!applies(affected)) continue;
    const ecosystem = affected.package?.ecosystem ?? '';
    const verdict = matchAffected(affected, version, ecosystem);
    if (!verdict) continue;
    const status = vendorStatusOf(affected, verdict);
    if (!hit) {
      hit = {
        record,
        fixedIn: [...verdict.fixedIn],
        status: status.status,
        ...(status.reason ? { statusReason: status.reason } : {}),
        severity: severityOf(record, affected),
        matchedOn: { ecosystem, name: affected.package?.name ?? name, version },
      };
      continue;
    }
    for (const fix of verdict.fixedIn) if (!hit.fixedIn.includes(fix)) hit.fixedIn.push(fix);
    if (STATUS_RANK[status.status] > STATUS_RANK[hit.status]) {
      hit.status = status.status;
      if (status.reason) hit.statusReason = status.reason;
      else delete hit.statusReason;
    }
  }
  return hit;
}
