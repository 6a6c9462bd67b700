import type { Severity } from '../../core/severity.js';
import type { AuditEvent } from './event.js';
import { EventView } from './event-view.js';
import type { RuleSet, RuntimeRule } from './load-rules.js';
import { display } from './template.js';

/** One rule matching one event. The first nine fields are the `runtime analyze` contract. */
export interface RuntimeAlert {
  rule: string;
  priority: Severity;
  auditID: string;
  user: string;
  verb: string;
  resource: string | null;
  namespace: string | null;
  name: string | null;
  message: string;
  subresource: string | null;
  /** stageTimestamp of the event (requestReceivedTimestamp when absent). */
  time: string | null;
  sourceIPs: string[];
  userAgent: string | null;
  tags: readonly string[];
  /** For threshold rules: how many matching events fell in the window. */
  count?: number;
}

export interface Detector {
  /** Alerts for one event, in rule order. The returned array must not be kept across calls when empty. */
  evaluate(event: AuditEvent): RuntimeAlert[];
}

export interface DetectorOptions {
  /** Time for threshold windows when an event carries no timestamp (milliseconds). */
  now?: () => number;
  /** Bound on remembered (rule, auditID) pairs and threshold groups; oldest are forgotten first. */
  maxTracked?: number;
}

const EMPTY: RuntimeAlert[] = [];

/**
 * Evaluate events against a rule set. Rules are indexed by the resource, verb and stage they require, so an
 * event meets only the rules that can match it; the index is built lazily per distinct (resource, verb, stage).
 * State is kept only for threshold rules and for rules that watch several stages of the same request.
 */
export function createDetector(ruleSet: RuleSet, options: DetectorOptions = {}): Detector {
  const rules = ruleSet.rules.filter((r) => r.enabled);
  const now = options.now ?? (() => Date.now());
  const maxTracked = options.maxTracked ?? 50_000;
  // A request seen at ResponseStarted and again at ResponseComplete alerts once per rule.
  const seen = new Map<string, true>();
  const windows = new Map<string, number[]>();

  // stage -> verb -> resource -> rules; nested maps, so no key string is built per event.
  const index = new Map<string, Map<string, Map<string, RuntimeRule[]>>>();
  let indexed = 0;

  function candidatesFor(resource: string, verb: string, stage: string): RuntimeRule[] {
    let byVerb = index.get(stage);
    if (!byVerb) index.set(stage, (byVerb = new Map()));
    let byResource = byVerb.get(verb);
    if (!byResource) byVerb.set(verb, (byResource = new Map()));
    const hit = byResource.get(resource);
    if (hit) return hit;
    const list = rules.filter(
      (r) =>
        (r.resources === null || r.resources.has(resource)) &&
        (r.verbs === null || r.verbs.has(verb)) &&
        (stage === '' || r.stages.has(stage)),
    );
    // Hostile input could invent endless resource names; stop caching rather than grow without bound.
    if (indexed < 10_000) {
      byResource.set(resource, list);
      indexed++;
    }
    return list;
  }

  /** Make room for one more key, forgetting the oldest. */
  function makeRoom(map: Map<string, unknown>): void {
    if (map.size >= maxTracked) {
      const oldest = map.keys().next();
      if (!oldest.done) map.delete(oldest.value);
    }
  }

  function thresholdReached(rule: RuntimeRule, view: EventView): number | undefined {
    const spec = rule.threshold!;
    const key = `${rule.id}\u0000${spec.getters.map((g) => display(g(view))).join('\u0000')}`;
    const ts = Date.parse(view.event.stageTimestamp ?? view.event.requestReceivedTimestamp ?? '');
    const at = Number.isNaN(ts) ? now() : ts;
    let times = windows.get(key);
    if (!times) {
      makeRoom(windows);
      times = [];
      windows.set(key, times);
    }
    times.push(at);
    while (times.length > 0 && times[0]! <= at - spec.windowMs) times.shift();
    if (times.length < spec.count) return undefined;
    const count = times.length;
    // Start counting afresh, so a sustained burst alerts once per `count` events, not on every event.
    windows.delete(key);
    return count;
  }

  return {
    evaluate(event) {
      const ref = event.objectRef;
      const list = candidatesFor(ref?.resource ?? '', event.verb, event.stage ?? '');
      if (list.length === 0) return EMPTY;
      const view = new EventView(event);
      let alerts: RuntimeAlert[] | undefined;
      for (const rule of list) {
        if (!rule.condition(view)) continue;
        let count: number | undefined;
        if (rule.threshold) {
          count = thresholdReached(rule, view);
          if (count === undefined) continue;
        } else if (rule.stages.size > 1) {
          const key = `${rule.id}\u0000${event.auditID}`;
          if (seen.has(key)) continue;
          makeRoom(seen);
          seen.set(key, true);
        }
        const alert = toAlert(rule, view);
        if (count !== undefined) alert.count = count;
        (alerts ??= []).push(alert);
      }
      return alerts ?? EMPTY;
    },
  };
}

function toAlert(rule: RuntimeRule, view: EventView): RuntimeAlert {
  const e = view.event;
  const ref = e.objectRef;
  return {
    rule: rule.id,
    priority: rule.priority,
    auditID: e.auditID,
    user: e.user?.username ?? '',
    verb: e.verb,
    resource: ref?.resource ?? null,
    namespace: ref?.namespace ?? null,
    name: ref?.name ?? null,
    message: rule.output(view),
    subresource: ref?.subresource ?? null,
    time: e.stageTimestamp ?? e.requestReceivedTimestamp ?? null,
    sourceIPs: e.sourceIPs ?? [],
    userAgent: e.userAgent ?? null,
    tags: rule.tags,
  };
}
