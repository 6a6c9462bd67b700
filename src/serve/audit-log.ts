// `serve --audit-log FILE`: the same follower and alert pipeline as `runtime watch`, writing alerts into the
// store `serve` already holds, so one process feeds the whole dashboard. The read position is kept in a
// position file (the runtime's own position store) and saved only after a batch's alerts are committed: a
// restart resumes after the last stored batch, without duplicate alerts.
import type { RuleSet } from '../checks/runtime/index.js';
import { createDetector } from '../checks/runtime/detector.js';
import type { Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import { followFile } from '../runtime/follow.js';
import { createAlertPipeline } from '../runtime/pipeline.js';
import type { AlertPipeline } from '../runtime/pipeline.js';
import type { PositionStore } from '../runtime/position-store.js';
import type { Store } from '../store/model.js';
import { storeAlertSink } from './alert-sink.js';

export interface AuditLogFollowOptions {
  /** Audit log file (JSON lines), followed across rotation. */
  path: string;
  positions: PositionStore;
  ruleSet: RuleSet;
  store: Store;
  clock: Clock;
  /** How often to look for new data at the end of the file (default 250 ms, as `runtime watch`). */
  pollMs?: number;
  /** Stop at the end of the data (tests); otherwise follows until `stop`. */
  untilEof?: boolean;
  onLog?(message: string): void;
}

export interface AuditLogFollower {
  readonly stats: AlertPipeline['stats'];
  /** Resolves when following ended: at `stop`, at the end of the data with `untilEof`, or on an error (logged). */
  readonly done: Promise<void>;
  /** Finishes the batch in hand (its position is stored), then stops. */
  stop(): Promise<void>;
}

export function followAuditLog(options: AuditLogFollowOptions): AuditLogFollower {
  const log = options.onLog ?? (() => undefined);
  const detector = createDetector(options.ruleSet, { now: () => options.clock.now().getTime() });
  const pipeline = createAlertPipeline({
    detector,
    // Not closed by the follower: the store belongs to `serve`.
    sinks: [storeAlertSink(options.store, { clock: options.clock })],
    source: options.path,
  });
  const abort = new AbortController();
  let reported = 0;
  const done = followFile(
    options.path,
    async (lines) => {
      await pipeline.handleLines(lines);
      // Malformed records are counted and skipped, never fatal; say so once per batch that had some.
      if (pipeline.stats.skipped > reported) {
        reported = pipeline.stats.skipped;
        log(
          `audit log: ${reported} malformed records skipped so far (first: ${pipeline.stats.samples[0] ?? '-'})`,
        );
      }
    },
    {
      store: options.positions,
      pollMs: options.pollMs ?? 250,
      signal: abort.signal,
      untilEof: options.untilEof === true,
      onNotice: (m) => log(`audit log: ${m}`),
    },
  ).catch((error: unknown) => {
    // The dashboard and the scanner keep running; the alerts stop, and the log says why.
    log(`audit log ${options.path}: following stopped: ${errorMessage(error)}`);
  });
  return {
    stats: pipeline.stats,
    done,
    async stop() {
      abort.abort();
      await done;
    },
  };
}
