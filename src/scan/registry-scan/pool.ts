// Bounded parallelism: at most `concurrency` workers, each taking the next item; `stop()` lets no new item start.

export interface PoolControl {
  stop(reason: string): void;
  readonly stopped: string | undefined;
}

export async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, control: PoolControl) => Promise<void>,
): Promise<{ started: number; stopReason?: string }> {
  let next = 0;
  let stopReason: string | undefined;
  const control: PoolControl = {
    stop(reason) {
      stopReason ??= reason;
    },
    get stopped() {
      return stopReason;
    },
  };
  const worker = async (): Promise<void> => {
    while (stopReason === undefined && next < items.length) {
      const item = items[next++] as T;
      await work(item, control);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return stopReason === undefined ? { started: next } : { started: next, stopReason };
}
