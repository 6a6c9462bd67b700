/**
 * The grace-period gate: a pure function of findings, policy, first-seen state and the clock. Nothing here
 * reads a file or the time; the caller applies `stateUpdates` afterwards (plan, then apply).
 *
 * The clock of a (image repository, vulnerability, package) starts when kubeward first saw it, or when it first
 * saw a fix for it if that is later: a team cannot act before a fix exists. `due` = start + graceDays. On or
 * after `due` the vulnerability is overdue and the gate fails; before, it is a warning with the days left.
 */
import { globToRegExp } from '../core/glob.js';
import type { GateException, GatePolicy, GateRule, GateSeverity } from './gate-policy.js';

const DAY_MS = 24 * 60 * 60 * 1000;

export type GateVendorStatus = 'fixed' | 'not-fixed' | 'will-not-fix' | 'unknown';

/** What the gate needs of a vulnerability finding. */
export interface GateFinding {
  id: string;
  aliases: readonly string[];
  /** Stable package identity for the clock, e.g. `Debian/libc6`. */
  packageKey: string;
  packageName: string;
  sourceName?: string;
  purl?: string;
  severity: GateSeverity;
  status: GateVendorStatus;
}

export interface StateEntry {
  repository: string;
  vulnId: string;
  packageKey: string;
  /** ISO time kubeward first saw the vulnerability in the package. */
  firstSeen: string;
  /** ISO time kubeward first saw a fix for it. */
  fixSeen?: string;
}

export interface GateInput {
  findings: readonly GateFinding[];
  policy: GatePolicy;
  /** State entries of this repository. */
  state: readonly StateEntry[];
  now: Date;
  /** Image repository (`registry.example.com/team/app`) the clock and the scopes key on. */
  repository: string;
  /** Other names of the image for exception `images` globs (the reference as given). */
  imageNames?: readonly string[];
}

export interface GateItem {
  finding: GateFinding;
  severity: GateSeverity;
  graceDays: number;
  fixableOnly: boolean;
  scope?: string;
  startedAt: string;
  startedBy: 'first-seen' | 'fix-available';
  dueAt: string;
  outcome: 'due' | 'overdue';
  /** Days left (`due`) or days late (`overdue`). */
  days: number;
  message: string;
}

export interface WaivedItem {
  finding: GateFinding;
  exception: GateException;
}

export interface NotCountedItem {
  finding: GateFinding;
  reason: string;
}

export interface GateDecision {
  outcome: 'pass' | 'warn' | 'fail';
  repository: string;
  scope?: string;
  now: string;
  counted: GateItem[];
  waived: WaivedItem[];
  notCounted: NotCountedItem[];
  /** Exceptions past their expiry: no longer applied; `matches` says how many findings they would cover. */
  expiredExceptions: { exception: GateException; matches: number }[];
  /** State to record: first sightings and first sightings of a fix. */
  stateUpdates: StateEntry[];
}

export function evaluateGate(input: GateInput): GateDecision {
  const { policy, now } = input;
  const nowIso = now.toISOString();
  const names = [input.repository, ...(input.imageNames ?? [])];
  const scope = policy.scopes.find((s) =>
    s.images.some((glob) => names.some((n) => globToRegExp(glob).test(n))),
  );
  const scopeName = scope ? (scope.name ?? scope.images.join(', ')) : undefined;
  const active: GateException[] = [];
  const expired: { exception: GateException; matches: number }[] = [];
  for (const exception of policy.exceptions) {
    if (isExpired(exception, now)) expired.push({ exception, matches: 0 });
    else active.push(exception);
  }
  const decision: GateDecision = {
    outcome: 'pass',
    repository: input.repository,
    ...(scopeName ? { scope: scopeName } : {}),
    now: nowIso,
    counted: [],
    waived: [],
    notCounted: [],
    expiredExceptions: expired,
    stateUpdates: [],
  };
  const stateIndex = indexState(input.state.filter((e) => e.repository === input.repository));
  for (const finding of input.findings) {
    const known = lookupState(stateIndex, finding);
    const update = plannedState(finding, known, input.repository, nowIso);
    if (update) decision.stateUpdates.push(update);
    for (const e of expired) if (exceptionMatches(e.exception, finding, names)) e.matches++;
    const exception = active.find((e) => exceptionMatches(e, finding, names));
    if (exception) {
      decision.waived.push({ finding, exception });
      continue;
    }
    const rule: GateRule | undefined =
      scope?.severities[finding.severity] ?? policy.defaults[finding.severity];
    if (rule === undefined || rule === 'ignore') {
      decision.notCounted.push({ finding, reason: `severity ${finding.severity} not gated` });
      continue;
    }
    if (rule.fixableOnly && finding.status !== 'fixed') {
      decision.notCounted.push({
        finding,
        reason: `no fix available (${finding.status}); only fixable ${finding.severity} counts`,
      });
      continue;
    }
    const firstSeen = update?.firstSeen ?? known?.firstSeen ?? nowIso;
    const fixSeen = finding.status === 'fixed' ? (update?.fixSeen ?? known?.fixSeen ?? nowIso) : undefined;
    const byFix = fixSeen !== undefined && fixSeen > firstSeen;
    const startedAt = byFix ? (fixSeen as string) : firstSeen;
    const due = Date.parse(startedAt) + rule.graceDays * DAY_MS;
    const overdue = now.getTime() >= due;
    const days = overdue
      ? Math.floor((now.getTime() - due) / DAY_MS)
      : Math.ceil((due - now.getTime()) / DAY_MS);
    decision.counted.push({
      finding,
      severity: finding.severity,
      graceDays: rule.graceDays,
      fixableOnly: rule.fixableOnly,
      ...(scopeName ? { scope: scopeName } : {}),
      startedAt,
      startedBy: byFix ? 'fix-available' : 'first-seen',
      dueAt: new Date(due).toISOString(),
      outcome: overdue ? 'overdue' : 'due',
      days,
      message: overdue ? `overdue by ${plural(days)}` : `due in ${plural(days)}`,
    });
  }
  decision.counted.sort((a, b) =>
    a.outcome === b.outcome ? a.dueAt.localeCompare(b.dueAt) : a.outcome === 'overdue' ? -1 : 1,
  );
  decision.outcome = decision.counted.some((i) => i.outcome === 'overdue')
    ? 'fail'
    : decision.counted.length > 0
      ? 'warn'
      : 'pass';
  return decision;
}

function plural(days: number): string {
  return `${days} day${days === 1 ? '' : 's'}`;
}

/** An exception applies through the whole of its `expires` day (UTC). */
export function isExpired(exception: GateException, now: Date): boolean {
  return now.getTime() >= Date.parse(`${exception.expires}T00:00:00Z`) + DAY_MS;
}

export function exceptionMatches(
  exception: GateException,
  finding: GateFinding,
  imageNames: readonly string[],
): boolean {
  const id = exception.id.toUpperCase();
  if (finding.id.toUpperCase() !== id && !finding.aliases.some((a) => a.toUpperCase() === id)) return false;
  if (exception.package) {
    const glob = globToRegExp(exception.package);
    const candidates = [finding.packageName, finding.sourceName, finding.purl].filter(
      (v): v is string => !!v,
    );
    if (!candidates.some((c) => glob.test(c))) return false;
  }
  if (exception.images && !exception.images.some((g) => imageNames.some((n) => globToRegExp(g).test(n))))
    return false;
  return true;
}

type StateIndex = Map<string, StateEntry>;

function indexState(state: readonly StateEntry[]): StateIndex {
  const index: StateIndex = new Map();
  for (const entry of state) index.set(`${entry.packageKey}\u0000${entry.vulnId}`, entry);
  return index;
}

/** The earliest sighting under any of the finding's names: the primary id may change as aliases merge. */
function lookupState(index: StateIndex, finding: GateFinding): StateEntry | undefined {
  let found: StateEntry | undefined;
  for (const name of [finding.id, ...finding.aliases]) {
    const entry = index.get(`${finding.packageKey}\u0000${name}`);
    if (!entry) continue;
    if (!found) {
      found = { ...entry };
      continue;
    }
    if (entry.firstSeen < found.firstSeen) found.firstSeen = entry.firstSeen;
    if (entry.fixSeen && (!found.fixSeen || entry.fixSeen < found.fixSeen)) found.fixSeen = entry.fixSeen;
  }
  return found;
}

function plannedState(
  finding: GateFinding,
  known: StateEntry | undefined,
  repository: string,
  now: string,
): StateEntry | undefined {
  const needsFix = finding.status === 'fixed' && !known?.fixSeen;
  if (known && !needsFix) return undefined;
  return {
    repository,
    vulnId: known?.vulnId ?? finding.id,
    packageKey: finding.packageKey,
    firstSeen: known?.firstSeen ?? now,
    ...(finding.status === 'fixed' ? { fixSeen: known?.fixSeen ?? now } : {}),
  };
}
