/** Time is injected so reports, grace periods and golden files are reproducible. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(iso: string): Clock {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) throw new Error(`not a valid date: ${iso}`);
  return { now: () => new Date(at.getTime()) };
}
