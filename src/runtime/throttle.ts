import type { RuntimeAlert } from '../checks/runtime/detector.js';

export interface ThrottleOptions {
  /** The same rule, subject and object within this window is one notification (milliseconds). */
  dedupWindowMs: number;
  /** At most this many notifications per rule and subject per minute; the rest are counted, not sent. */
  perMinute: number;
  now: () => number;
  /** Bound on remembered keys, oldest forgotten first. */
  maxKeys?: number;
}

/** A notification to send: the alert plus how many like it were held back since the last one sent. */
export interface Notification {
  alert: RuntimeAlert;
  suppressed: number;
}

/**
 * Deduplication and rate limiting for outgoing notifications (never for the alert record itself). The subject
 * is the identity that acted (user); dedup also keys on the object, so one user exec-ing into ten pods is ten
 * notifications, but one user's retries against the same pod are one. Held-back alerts are counted and the
 * count rides on the next notification that goes out for the same rule and subject.
 */
export function createThrottle(options: ThrottleOptions): (alert: RuntimeAlert) => Notification | undefined {
  const maxKeys = options.maxKeys ?? 100_000;
  const lastSent = new Map<string, number>();
  const buckets = new Map<string, { tokens: number; at: number; suppressed: number }>();

  const bounded = (map: Map<string, unknown>): void => {
    if (map.size < maxKeys) return;
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  };

  return (alert) => {
    const now = options.now();
    const subject = `${alert.rule}\u0000${alert.user}`;
    const dedupKey = `${subject}\u0000${alert.namespace ?? ''}\u0000${alert.name ?? ''}\u0000${alert.verb}`;
    let bucket = buckets.get(subject);
    if (!bucket) {
      bounded(buckets);
      bucket = { tokens: options.perMinute, at: now, suppressed: 0 };
      buckets.set(subject, bucket);
    }
    const seenAt = lastSent.get(dedupKey);
    if (seenAt !== undefined && now - seenAt < options.dedupWindowMs) {
      bucket.suppressed++;
      return undefined;
    }
    bucket.tokens = Math.min(
      options.perMinute,
      bucket.tokens + ((now - bucket.at) / 60_000) * options.perMinute,
    );
    bucket.at = now;
    if (bucket.tokens < 1) {
      bucket.suppressed++;
      return undefined;
    }
    bucket.tokens -= 1;
    lastSent.delete(dedupKey);
    bounded(lastSent);
    lastSent.set(dedupKey, now);
    const suppressed = bucket.suppressed;
    bucket.suppressed = 0;
    return { alert, suppressed };
  };
}
