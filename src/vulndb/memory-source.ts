import type { OsvRecord } from './osv.js';
import { ecosystemBase, normalizePackageName } from './osv.js';
import type { AffectedRow } from './store.js';

/** What matching needs from a database: the package index and records by id. VulnStore implements it. */
export interface VulnSource {
  affectedRows(base: string, name: string): AffectedRow[];
  record(id: string): OsvRecord | undefined;
  /**
   * Records naming package `name` of family `base` under an ecosystem `accepts` takes, each once, in index
   * order. They may be trimmed to what matching and its report read (match-record.ts: this package's affected
   * entries, no details, the first references). Optional: matching falls back to `affectedRows` and `record`;
   * a database answers it in one query of its match table.
   */
  recordsFor?(base: string, name: string, accepts: (ecosystem: string) => boolean): OsvRecord[];
}

/** A VulnSource over records in memory (tests, library users with their own feed). Withdrawn records are dropped. */
export function memoryVulnSource(records: Iterable<OsvRecord>): VulnSource {
  const byId = new Map<string, OsvRecord>();
  for (const record of records) {
    if (record.withdrawn !== undefined) continue;
    const held = byId.get(record.id);
    if (!held || held.modified < record.modified) byId.set(record.id, record);
  }
  const index = new Map<string, AffectedRow[]>();
  for (const record of byId.values()) {
    const done = new Set<string>();
    for (const affected of record.affected ?? []) {
      if (!affected.package) continue;
      const base = ecosystemBase(affected.package.ecosystem);
      const key = `${base}\u0000${normalizePackageName(base, affected.package.name)}`;
      const doneKey = `${key}\u0000${affected.package.ecosystem}`;
      if (done.has(doneKey)) continue;
      done.add(doneKey);
      const rows = index.get(key) ?? [];
      rows.push({ ecosystem: affected.package.ecosystem, vulnId: record.id });
      index.set(key, rows);
    }
  }
  return {
    affectedRows: (base, name) => index.get(`${base}\u0000${normalizePackageName(base, name)}`) ?? [],
    record: (id) => byId.get(id),
  };
}
