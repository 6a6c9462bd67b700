// A client-side rate limit for registry requests: requests are spaced evenly at `perSecond`, shared by every
// worker, so a registry with request quotas (Docker Hub, ACR tiers) is not hammered by parallel scans.
import { setTimeout as delay } from 'node:timers/promises';
import { UsageError } from '../../core/errors.js';

export type Throttle = () => Promise<void>;

export function parseRate(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(?:\/s)?$/.exec(text.trim());
  const rate = Number(m?.[1]);
  if (!m || !(rate > 0) || rate > 100_000) {
    throw new UsageError(`--rate "${text}": expected requests per second, e.g. 20/s`);
  }
  return rate;
}

/** Each call resolves at the next free slot; slots are 1/perSecond apart. */
export function createThrottle(
  perSecond: number,
  now: () => number = () => performance.now(),
  sleep: (ms: number) => Promise<unknown> = delay,
): Throttle {
  const interval = 1000 / perSecond;
  let nextSlot = 0;
  return async () => {
    const at = now();
    const slot = Math.max(at, nextSlot);
    nextSlot = slot + interval;
    if (slot > at) await sleep(slot - at);
  };
}
