import type { AuditEvent } from '../checks/runtime/event.js';
import type { Detector, RuntimeAlert } from '../checks/runtime/detector.js';
import { decodeLine } from './decode.js';
import { countSkip } from './read-events.js';
import type { SkipCounter } from './read-events.js';
import type { AlertSink } from './sinks.js';
import type { Notification } from './throttle.js';

export interface PipelineOptions {
  detector: Detector;
  /** Every alert goes to every sink (the record: stdout, file). */
  sinks: readonly AlertSink[];
  /** Outgoing notifications, after deduplication and rate limiting. */
  throttle?: (alert: RuntimeAlert) => Notification | undefined;
  notify?: (notification: Notification) => void;
  /** Label for skipped-record samples (the file or the intake). */
  source: string;
}

export interface AlertPipeline {
  handleEvents(events: readonly AuditEvent[]): Promise<void>;
  handleLines(lines: readonly string[]): Promise<void>;
  readonly stats: { events: number; alerts: number; notified: number } & SkipCounter;
}

/** Events in, alerts out: the part `watch` and `serve` share. Sinks are awaited so callers can commit after. */
export function createAlertPipeline(options: PipelineOptions): AlertPipeline {
  const stats = { events: 0, alerts: 0, notified: 0, skipped: 0, samples: [] as string[] };
  const pending: RuntimeAlert[] = [];
  const onEvent = (event: AuditEvent): void => {
    stats.events++;
    for (const alert of options.detector.evaluate(event)) pending.push(alert);
  };
  const sink = { event: onEvent, skip: (reason: string) => countSkip(stats, options.source, reason) };

  async function flush(): Promise<void> {
    if (pending.length === 0) return;
    const alerts = pending.splice(0, pending.length);
    stats.alerts += alerts.length;
    for (const s of options.sinks) await s.write(alerts);
    if (options.notify) {
      for (const alert of alerts) {
        const n = options.throttle ? options.throttle(alert) : { alert, suppressed: 0 };
        if (n) {
          stats.notified++;
          options.notify(n);
        }
      }
    }
  }

  return {
    stats,
    async handleEvents(events) {
      for (const event of events) onEvent(event);
      await flush();
    },
    async handleLines(lines) {
      for (const line of lines) decodeLine(line, sink);
      await flush();
    },
  };
}
