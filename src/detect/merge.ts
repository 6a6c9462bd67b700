/**
 * One vulnerability often arrives as several records: GO-2023-2102 and GHSA-4374-p667-p6c8 alias each other,
 * a Debian DSA lists the DEBIAN-CVE records it fixes as `upstream`. For one package, records connected through
 * `aliases` (symmetric, transitive) become one match. A record whose `upstream` names another matched record
 * is a downstream advisory: it is folded into the records it names instead of being counted again. `upstream`
 * is not used to join records to each other, since one DSA names several CVEs that must stay apart.
 */
import type { OsvRecord } from '../vulndb/osv.js';
import type { SeverityInfo, VendorStatus } from './model.js';

export interface Hit {
  record: OsvRecord;
  fixedIn: string[];
  status: VendorStatus;
  statusReason?: string;
  severity: SeverityInfo;
  matchedOn: { ecosystem: string; name: string; version: string };
}

export interface MergedHit {
  primary: Hit;
  members: Hit[];
  aliases: string[];
  advisories: string[];
  fixedIn: string[];
  status: VendorStatus;
  statusReason?: string;
  severity: SeverityInfo;
}

const STATUS_RANK: Record<VendorStatus, number> = { fixed: 3, 'will-not-fix': 2, 'not-fixed': 1, unknown: 0 };

export function mergeHits(
  hits: readonly Hit[],
  compareVersions: (a: string, b: string) => number,
): MergedHit[] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root) as string;
    parent.set(x, root);
    return root;
  };
  const union = (a: string, b: string): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  };
  for (const hit of hits) {
    find(hit.record.id);
    for (const alias of hit.record.aliases ?? []) union(hit.record.id, alias);
  }
  const groups = new Map<string, Hit[]>();
  for (const hit of hits) {
    const root = find(hit.record.id);
    const list = groups.get(root);
    if (list) list.push(hit);
    else groups.set(root, [hit]);
  }
  // Every name that leads to a group: its members' ids and aliases.
  const groupOf = new Map<string, string>();
  for (const [root, members] of groups) {
    for (const m of members) {
      groupOf.set(m.record.id, root);
      for (const alias of m.record.aliases ?? []) groupOf.set(alias, root);
    }
  }
  const targetsOf = new Map<string, Set<string>>();
  for (const [root, members] of groups) {
    const targets = new Set<string>();
    for (const m of members) {
      for (const up of m.record.upstream ?? []) {
        const target = groupOf.get(up);
        if (target !== undefined && target !== root) targets.add(target);
      }
    }
    targetsOf.set(root, targets);
  }
  // Fold only into groups that are not downstream themselves, so two records naming each other both stay.
  const folded = new Map<string, string[]>();
  const downstream = new Set<string>();
  for (const [root, targets] of targetsOf) {
    const into = [...targets].filter((t) => targetsOf.get(t)?.size === 0);
    if (into.length === 0) continue;
    downstream.add(root);
    const ids = (groups.get(root) ?? []).map((m) => m.record.id);
    for (const target of into) folded.set(target, [...(folded.get(target) ?? []), ...ids]);
  }
  const merged: MergedHit[] = [];
  for (const [root, members] of groups) {
    if (downstream.has(root)) continue;
    merged.push(mergeGroup(members, folded.get(root) ?? [], compareVersions));
  }
  return merged;
}

function mergeGroup(
  members: Hit[],
  advisories: string[],
  compareVersions: (a: string, b: string) => number,
): MergedHit {
  const primary = [...members].sort(preferPrimary)[0] as Hit;
  const names = new Set<string>();
  for (const m of members) {
    names.add(m.record.id);
    for (const n of [...(m.record.aliases ?? []), ...(m.record.upstream ?? [])]) names.add(n);
  }
  names.delete(primary.record.id);
  const fixedIn = [...new Set(members.flatMap((m) => m.fixedIn))].sort(compareVersions);
  const best = [...members].sort((a, b) => STATUS_RANK[b.status] - STATUS_RANK[a.status])[0] as Hit;
  const status: VendorStatus = fixedIn.length > 0 ? 'fixed' : best.status;
  const severity =
    primary.severity.level !== 'unknown'
      ? primary.severity
      : (members.find((m) => m.severity.level !== 'unknown')?.severity ?? primary.severity);
  return {
    primary,
    members,
    aliases: [...names].sort(),
    advisories: [...new Set(advisories)].sort(),
    fixedIn,
    status,
    ...(status !== 'fixed' && best.statusReason ? { statusReason: best.statusReason } : {}),
    severity,
  };
}

/** The representative record: one with a computed CVSS score, then any severity, then the smallest id. */
function preferPrimary(a: Hit, b: Hit): number {
  const rank = (h: Hit): number =>
    h.severity.score !== undefined ? 2 : h.severity.level !== 'unknown' ? 1 : 0;
  return rank(b) - rank(a) || (a.record.id < b.record.id ? -1 : a.record.id > b.record.id ? 1 : 0);
}
