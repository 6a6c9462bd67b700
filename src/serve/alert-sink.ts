// Runtime alerts into the store, so the dashboard's "Runtime alerts" page shows what `runtime watch`,
// `runtime serve` and `serve --audit-log` detect. An AlertSink like the stdout and file sinks: it sees every
// alert the detector emits (the record, before the deduplication that applies to outgoing notifications), and
// the follower stores its read position only after `write` resolved, i.e. after the batch is committed.
import type { RuntimeAlert } from '../checks/runtime/detector.js';
import type { Clock } from '../core/clock.js';
import type { AlertSink } from '../runtime/sinks.js';
import type { StoredAlert, Store } from '../store/model.js';

/** Alert messages come from rule templates filled with event fields: bound what one row can hold. */
export const MAX_STORED_MESSAGE = 4096;

/**
 * The dashboard's row for one alert. An event without a usable timestamp (the store refuses text that is not
 * a time) is dated when it was detected, so one odd event cannot stall a whole batch.
 */
export function storedAlertOf(alert: RuntimeAlert, clock: Clock): StoredAlert {
  const time =
    alert.time !== null && Number.isFinite(Date.parse(alert.time)) ? alert.time : clock.now().toISOString();
  const message =
    alert.message.length > MAX_STORED_MESSAGE
      ? `${alert.message.slice(0, MAX_STORED_MESSAGE)}…`
      : alert.message;
  return {
    rule: alert.rule,
    priority: alert.priority,
    time,
    message,
    ...(alert.namespace !== null ? { namespace: alert.namespace } : {}),
    ...(alert.user ? { user: alert.user } : {}),
  };
}

export interface StoreSinkOptions {
  clock: Clock;
  /** Close the store with the sink (the sink opened it); `serve` shares its store and closes it itself. */
  ownsStore?: boolean;
}

/** One transaction per batch (`putAlerts` is all or nothing), one row per alert. */
export function storeAlertSink(store: Store, options: StoreSinkOptions): AlertSink {
  return {
    async write(alerts) {
      if (alerts.length === 0) return;
      await store.putAlerts(alerts.map((a) => storedAlertOf(a, options.clock)));
    },
    async close() {
      if (options.ownsStore) await store.close();
    },
  };
}
