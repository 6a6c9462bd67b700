/**
 * The decision log: one JSON line per recorded review, written without ever making a review wait for the log
 * reader. Records go into a bounded queue and are written in batches only while the target accepts them
 * (`write()` returning true, else after 'drain'). When the reader stalls (a log shipper that stops reading, a
 * full pipe) the queue fills and further records are dropped and counted, so memory stays bounded and admission
 * keeps its latency: losing audit lines is the lesser harm than timing out every admission request.
 */
import { Counter, Gauge } from './metrics.js';

/** What the log writes to: a Node Writable (process.stdout, fs.WriteStream) fits. */
export interface DecisionLogTarget {
  write(chunk: string, callback?: (error?: Error | null) => void): boolean;
  once(event: 'drain', listener: () => void): unknown;
  /** Bytes the target still holds in its own buffer; a flush waits for it to reach 0. */
  readonly writableLength?: number;
  /** Abandon what the target still holds (close() past its time), so pending writes end and the process can exit. */
  destroy?(): unknown;
}

export interface DecisionLogOptions {
  target: DecisionLogTarget;
  /** Turns a record into one line (with its newline); called when the record is logged, not when written. */
  format: (record: Record<string, unknown>) => string;
  /** Queue bound in records (default 10,000). */
  maxRecords?: number;
  /** Queue bound in bytes of formatted lines (default 8 MiB). */
  maxBytes?: number;
  /** Called once, at the first drop, with a one-line warning (the CLI sends it to stderr). */
  warn?: (message: string) => void;
}

export interface DecisionLog {
  /** Queue one record; never blocks, drops (and counts) when the queue is full. */
  write(record: Record<string, unknown>): void;
  /** Records dropped so far. */
  dropped(): number;
  /** Series for /metrics: dropped records and the queue's current length. */
  metrics(): (Counter | Gauge)[];
  /** Write what is queued, waiting at most timeoutMs; resolves true when everything reached the target. */
  flush(timeoutMs: number): Promise<boolean>;
  /**
   * Flush within timeoutMs; what is still queued then is dropped (and counted) and the target destroyed, because a
   * write pending on a stalled pipe would otherwise keep the process alive after shutdown.
   */
  close(timeoutMs: number): Promise<boolean>;
}

export const DEFAULT_MAX_RECORDS = 10_000;
export const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;
/** One target write carries at most this many bytes, so the target's own buffer stays small too. */
const BATCH_BYTES = 64 * 1024;

export function createDecisionLog(options: DecisionLogOptions): DecisionLog {
  const { target, format } = options;
  const maxRecords = options.maxRecords ?? DEFAULT_MAX_RECORDS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const dropped = new Counter(
    'kubeward_decision_log_dropped_total',
    'Decision records dropped because the log reader did not keep up (queue full).',
  );
  // Present at 0 from the start, so a dashboard can tell "no drops" from "not exported".
  dropped.inc({}, 0);
  const queue: string[] = [];
  let head = 0;
  let queuedBytes = 0;
  let waitingForDrain = false;
  let scheduled = false;
  let failed = false;
  let warned = false;
  const idle = new Set<() => void>();

  function drop(count: number, reason: string): void {
    dropped.inc({}, count);
    if (warned) return;
    warned = true;
    options.warn?.(
      `kubeward webhook: decision log ${reason}; dropping records (see kubeward_decision_log_dropped_total)\n`,
    );
  }

  const queued = () => queue.length - head;

  function settleIfIdle(): void {
    if (queued() > 0 || waitingForDrain || (target.writableLength ?? 0) > 0) return;
    for (const resolve of idle) resolve();
    idle.clear();
  }

  // Runs on a later tick so a burst of reviews is written as one batch and no review pays for the write.
  function pump(): void {
    scheduled = false;
    while (!waitingForDrain && !failed && queued() > 0) {
      let batch = '';
      while (queued() > 0 && batch.length < BATCH_BYTES) {
        const line = queue[head] ?? '';
        queue[head++] = '';
        queuedBytes -= Buffer.byteLength(line);
        batch += line;
      }
      // Compact now and then instead of shift() per record (O(n) each).
      if (head > 1024 && head * 2 > queue.length) {
        queue.splice(0, head);
        head = 0;
      }
      const accepted = target.write(batch, (error) => {
        if (!error || failed) return;
        // A closed or broken reader (EPIPE) will not come back: count everything from now on as dropped.
        failed = true;
        drop(queued(), `target failed (${error.message})`);
        queue.length = 0;
        head = 0;
        queuedBytes = 0;
        waitingForDrain = false;
        settleIfIdle();
      });
      if (!accepted) {
        waitingForDrain = true;
        target.once('drain', () => {
          waitingForDrain = false;
          pump();
        });
      }
    }
    settleIfIdle();
  }

  async function flush(timeoutMs: number): Promise<boolean> {
    if (scheduled) pump();
    const done = new Promise<void>((resolve) => {
      idle.add(resolve);
      settleIfIdle();
    });
    // The target's buffer empties on 'drain' only after a write returned false; poll it otherwise.
    const poll = setInterval(settleIfIdle, 10);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    const flushed = await Promise.race([done.then(() => true), timeout]);
    clearInterval(poll);
    clearTimeout(timer);
    return flushed;
  }

  return {
    write(record) {
      if (failed) return drop(1, 'target failed');
      const line = format(record);
      const size = Buffer.byteLength(line);
      if (queued() >= maxRecords || queuedBytes + size > maxBytes)
        return drop(1, `reader is not keeping up (queue of ${queued()} records full)`);
      queue.push(line);
      queuedBytes += size;
      if (!scheduled && !waitingForDrain) {
        scheduled = true;
        setImmediate(pump);
      }
    },
    dropped: () => dropped.total(),
    metrics: () => [
      dropped,
      new Gauge('kubeward_decision_log_queued_records', 'Decision records waiting to be written.', queued),
    ],
    flush,
    async close(timeoutMs) {
      const flushed = await flush(timeoutMs);
      if (!flushed) {
        if (queued() > 0) drop(queued(), 'reader stalled at shutdown');
        failed = true;
        queue.length = 0;
        head = 0;
        queuedBytes = 0;
        target.destroy?.();
      }
      return flushed;
    },
  };
}
