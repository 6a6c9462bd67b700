import type { GateDecision, GateFinding } from './gate.js';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const safe = (text: string): string => text.replace(CONTROL, '?');

function label(f: GateFinding): string {
  return `${safe(f.id)} in ${safe(f.packageName)}`;
}

/** The decision for people: each counted vulnerability with "due in" / "overdue by", then waivers and expiries. */
export function formatGateText(decision: GateDecision): string {
  const out: string[] = [];
  const overdue = decision.counted.filter((i) => i.outcome === 'overdue').length;
  const due = decision.counted.length - overdue;
  out.push(
    `gate: ${decision.outcome.toUpperCase()} for ${safe(decision.repository)}${decision.scope ? ` (scope ${safe(decision.scope)})` : ''} at ${decision.now}: ` +
      `${overdue} overdue, ${due} within grace, ${decision.waived.length} waived, ${decision.notCounted.length} not counted`,
  );
  for (const item of decision.counted) {
    out.push(
      `  ${item.outcome === 'overdue' ? 'FAIL' : 'WARN'}  ${label(item.finding)} (${item.severity}, ${item.finding.status}): ${item.message}` +
        ` (grace ${item.graceDays} days from ${item.startedBy === 'fix-available' ? 'fix available' : 'first seen'} ${item.startedAt.slice(0, 10)})`,
    );
  }
  if (decision.waived.length > 0) {
    out.push('  waived:');
    for (const w of decision.waived) {
      out.push(
        `    ${label(w.finding)}: ${safe(w.exception.reason)} (approved by ${safe(w.exception.approver)}, until ${w.exception.expires})`,
      );
    }
  }
  if (decision.expiredExceptions.length > 0) {
    out.push('  expired exceptions (no longer applied):');
    for (const e of decision.expiredExceptions) {
      out.push(
        `    ${safe(e.exception.id)}${e.exception.package ? ` (${safe(e.exception.package)})` : ''} expired ${e.exception.expires}, approved by ${safe(e.exception.approver)}; would cover ${e.matches} finding(s)`,
      );
    }
  }
  return `${out.join('\n')}\n`;
}

/** The decision as JSON, without the planned state updates (an implementation detail of the run). */
export function gateDecisionJson(decision: GateDecision): Record<string, unknown> {
  const finding = (f: GateFinding): Record<string, unknown> => ({
    id: f.id,
    aliases: f.aliases,
    package: f.packageName,
    packageKey: f.packageKey,
    severity: f.severity,
    status: f.status,
  });
  return {
    outcome: decision.outcome,
    repository: decision.repository,
    ...(decision.scope ? { scope: decision.scope } : {}),
    now: decision.now,
    counted: decision.counted.map((i) => ({
      ...finding(i.finding),
      outcome: i.outcome,
      days: i.days,
      message: i.message,
      graceDays: i.graceDays,
      fixableOnly: i.fixableOnly,
      startedAt: i.startedAt,
      startedBy: i.startedBy,
      dueAt: i.dueAt,
    })),
    waived: decision.waived.map((w) => ({ ...finding(w.finding), exception: w.exception })),
    notCounted: decision.notCounted.map((n) => ({ ...finding(n.finding), reason: n.reason })),
    expiredExceptions: decision.expiredExceptions,
  };
}
