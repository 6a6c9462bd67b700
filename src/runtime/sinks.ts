import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { request } from 'undici';
import type { RuntimeAlert } from '../checks/runtime/detector.js';
import { errorMessage } from '../core/errors.js';
import type { Notification } from './throttle.js';

/** Where alerts go. `write` resolves when the alerts are durable enough to move the read position past them. */
export interface AlertSink {
  write(alerts: readonly RuntimeAlert[]): Promise<void>;
  close(): Promise<void>;
}

export function alertLine(alert: RuntimeAlert): string {
  return `${JSON.stringify(alert)}\n`;
}

/** JSON lines through a writer (stdout in the CLI). */
export function writerSink(write: (text: string) => void): AlertSink {
  return {
    async write(alerts) {
      if (alerts.length > 0) write(alerts.map(alertLine).join(''));
    },
    async close() {},
  };
}

/** JSON lines appended to a file, fsynced before the follower stores its position past them. */
export async function fileSink(path: string): Promise<AlertSink> {
  const handle: FileHandle = await open(path, 'a');
  return {
    async write(alerts) {
      if (alerts.length === 0) return;
      await handle.write(alerts.map(alertLine).join(''));
      await syncUnlessDevice(handle);
    },
    async close() {
      await handle.close();
    },
  };
}

/** Character devices and pipes (/dev/stdout, /dev/null) cannot be fsynced, and need not be. */
async function syncUnlessDevice(handle: FileHandle): Promise<void> {
  try {
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'ENOTSUP') throw error;
  }
}

export interface WebhookOptions {
  url: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Notifications waiting to be sent; beyond it the oldest are dropped (and counted). */
  maxQueue?: number;
  retries?: number;
  /** Delivery failures, for stderr. */
  onError?: (message: string) => void;
  /** Base backoff between retries (milliseconds); doubles each time. */
  backoffMs?: number;
}

/** The generic JSON body: flat alert fields, plus `text` so chat webhooks (Slack-style) show something. */
export function webhookBody(n: Notification, title?: string): Record<string, unknown> {
  const a = n.alert;
  return {
    kind: 'kubeward.runtime.alert',
    text: `[${a.priority}] ${a.rule}: ${a.message}${n.suppressed ? ` (+${n.suppressed} similar)` : ''}`,
    ...(title ? { title } : {}),
    ...a,
    suppressed: n.suppressed,
  };
}

export interface WebhookNotifier {
  notify(notification: Notification): void;
  /** Wait for the queue to drain (or the deadline), then stop. */
  close(deadlineMs?: number): Promise<void>;
  readonly stats: { sent: number; failed: number; dropped: number };
}

/**
 * POST each notification to a URL, one at a time, from a bounded queue. A slow or failing receiver never
 * stalls detection: the queue drops its oldest entries when full, and failures are retried with backoff on
 * network errors, 429 and 5xx, then given up.
 */
export function webhookNotifier(
  options: WebhookOptions,
  titleOf?: (rule: string) => string,
): WebhookNotifier {
  const maxQueue = options.maxQueue ?? 1000;
  const retries = options.retries ?? 3;
  const backoffMs = options.backoffMs ?? 500;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const queue: Notification[] = [];
  const stats = { sent: 0, failed: 0, dropped: 0 };
  let running: Promise<void> | undefined;
  let closed = false;

  async function deliver(n: Notification): Promise<void> {
    const body = JSON.stringify(webhookBody(n, titleOf?.(n.alert.rule)));
    for (let attempt = 0; ; attempt++) {
      let retryable = true;
      let problem: string;
      try {
        const res = await request(options.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...options.headers },
          body,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        });
        await res.body.dump();
        if (res.statusCode < 300) {
          stats.sent++;
          return;
        }
        retryable = res.statusCode === 429 || res.statusCode >= 500;
        problem = `HTTP ${res.statusCode}`;
      } catch (error) {
        problem = errorMessage(error);
      }
      if (!retryable || attempt >= retries || closed) {
        stats.failed++;
        options.onError?.(`webhook: ${n.alert.rule} not delivered: ${problem}`);
        return;
      }
      await new Promise((r) => setTimeout(r, backoffMs * 2 ** attempt));
    }
  }

  async function drain(): Promise<void> {
    for (let next = queue.shift(); next; next = queue.shift()) await deliver(next);
    running = undefined;
  }

  return {
    stats,
    notify(notification) {
      if (queue.length >= maxQueue) {
        queue.shift();
        stats.dropped++;
      }
      queue.push(notification);
      running ??= drain();
    },
    async close(deadlineMs = 5000) {
      const pending = running;
      if (pending) await Promise.race([pending, new Promise((r) => setTimeout(r, deadlineMs).unref())]);
      closed = true;
      if (queue.length > 0) {
        stats.dropped += queue.length;
        queue.length = 0;
      }
    },
  };
}
