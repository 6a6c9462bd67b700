/**
 * The match table's rows: for each (ecosystem family, package) a record names, the part of the record that
 * matching and its report read, and nothing else. A scan parses these small rows instead of whole records
 * (whose `details`, references and `ecosystem_specific` data can be kilobytes) and never reads the whole
 * records, which stay as published in `vulns` for `db export` and `VulnStore.record`.
 *
 * What is kept must follow what detect/ reads: the record's id, times, summary, aliases, upstream, severity,
 * `database_specific.severity`, the first references, and of the package's affected entries the ranges,
 * versions, severity and the `ecosystem_specific` keys that decide the vendor status and the urgency.
 */
import type { OsvAffected, OsvRecord } from './osv.js';
import { ecosystemBase, normalizePackageName } from './osv.js';

/** `ecosystem_specific` keys matching reads (detect/vendor-status.ts and detect/severity.ts). */
export const MATCH_ECOSYSTEM_KEYS = ['urgency', 'nodsa', 'no-dsa', 'status'] as const;

/** References kept per record: a report shows at most this many. */
export const MATCH_REFERENCES = 5;

export interface MatchRow {
  /** Ecosystem family (`Debian`) and package name as the index stores it (normalised per ecosystem). */
  base: string;
  name: string;
  /** The distinct `affected[].package.ecosystem` values of this package in the record, newline-separated. */
  ecosystems: string;
  /** JSON of the trimmed record: an OsvRecord holding only this package's affected entries. */
  match: string;
}

/** One row per (family, package) the record names; entries without a package name are not indexed. */
export function matchRowsOf(record: OsvRecord): MatchRow[] {
  const all = record.affected ?? [];
  const only = all.length === 1 ? all[0]?.package : undefined;
  if (only && only.name !== '' && only.ecosystem !== '') {
    // Most records name one package once: no grouping needed.
    const base = ecosystemBase(only.ecosystem);
    const match = matchJson(record, all);
    return [{ base, name: normalizePackageName(base, only.name), ecosystems: only.ecosystem, match }];
  }
  const groups = new Map<string, { base: string; name: string; entries: OsvAffected[] }>();
  for (const affected of all) {
    const pkg = affected.package;
    if (!pkg || pkg.name === '' || pkg.ecosystem === '') continue;
    const base = ecosystemBase(pkg.ecosystem);
    const name = normalizePackageName(base, pkg.name);
    const key = `${base}\u0000${name}`;
    const group = groups.get(key);
    if (group) group.entries.push(affected);
    else groups.set(key, { base, name, entries: [affected] });
  }
  const rows: MatchRow[] = [];
  for (const { base, name, entries } of groups.values()) {
    const ecosystems = [...new Set(entries.map((a) => a.package?.ecosystem ?? ''))].join('\n');
    rows.push({ base, name, ecosystems, match: matchJson(record, entries) });
  }
  return rows;
}

/**
 * The trimmed record as JSON. One JSON.stringify of a fresh object (undefined fields are left out) costs less
 * than stringifying the parts: an import writes one of these per record.
 */
function matchJson(record: OsvRecord, entries: readonly OsvAffected[]): string {
  const severityWord = record.database_specific?.['severity'];
  const trimmed = {
    id: record.id,
    modified: record.modified,
    published: record.published,
    summary: record.summary,
    aliases: record.aliases?.length ? record.aliases : undefined,
    upstream: record.upstream?.length ? record.upstream : undefined,
    severity: record.severity?.length ? record.severity : undefined,
    database_specific: typeof severityWord === 'string' ? { severity: severityWord } : undefined,
    references: record.references?.length ? record.references.slice(0, MATCH_REFERENCES) : undefined,
    affected: entries.map(trimAffected),
  };
  return JSON.stringify(trimmed);
}

function trimAffected(affected: OsvAffected): OsvAffected {
  let specific: Record<string, unknown> | undefined;
  const source = affected.ecosystem_specific;
  if (source) {
    for (const key of MATCH_ECOSYSTEM_KEYS) {
      if (source[key] === undefined) continue;
      specific ??= {};
      specific[key] = source[key];
    }
  }
  const pkg = affected.package;
  // Undefined fields vanish in JSON.stringify; the object is never used otherwise.
  return {
    package: pkg ? { ecosystem: pkg.ecosystem, name: pkg.name } : undefined,
    ranges: affected.ranges?.length ? affected.ranges : undefined,
    versions: affected.versions?.length ? affected.versions : undefined,
    severity: affected.severity?.length ? affected.severity : undefined,
    ecosystem_specific: specific,
  } as OsvAffected;
}
