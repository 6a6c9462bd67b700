import type { Command } from 'commander';
import { createWriteStream, fstatSync, openSync } from 'node:fs';
import { Socket } from 'node:net';
import { resolve } from 'node:path';
import type { CliContext } from '../context.js';
import { loadWebhookConfig } from '../../admission/config.js';
import { UsageError } from '../../core/errors.js';
import { DEFAULT_MAX_RECORDS, createDecisionLog, type DecisionLogTarget } from '../../server/decision-log.js';
import { startWebhookApp } from '../../server/webhook-app.js';

interface ServeFlags {
  config: string;
  listen?: string;
  tlsCert?: string;
  tlsKey?: string;
  decisionLogQueue: string;
}

/** Resolves with the signal name when the process is asked to stop; tests pass their own. */
export type StopSignal = () => Promise<string>;

// The places this command touches process: a server has to wait for SIGTERM (kubelet) or SIGINT (terminal), and
// its decision log needs the stdout stream itself (its backpressure), not just a write function.
const processSignals: StopSignal = () =>
  new Promise((resolveStop) => {
    const on = (name: string) => () => resolveStop(name);
    process.once('SIGTERM', on('SIGTERM'));
    process.once('SIGINT', on('SIGINT'));
  });

/**
 * Standard output as a decision-log target. A pipe or socket (the container runtime's log pipe) is written
 * asynchronously by libuv with backpressure; a regular file (`> decisions.log`) would be written synchronously
 * by process.stdout, so it gets an fs stream on fd 1 whose writes run off the event loop.
 */
function stdoutTarget(): DecisionLogTarget {
  try {
    const stat = fstatSync(1);
    if (stat.isFile()) return createWriteStream('', { fd: 1, autoClose: false });
    // A pipe gets its own descriptor (Linux reopens the pipe through /proc) and a socket (a parent's socketpair) a
    // handle of its own: unlike process.stdout, whose destroy() keeps the handle, these can really be closed at
    // shutdown when a write is stuck on a stalled reader, so the pending write does not keep the process alive.
    if (stat.isFIFO()) return new Socket({ fd: openSync('/proc/self/fd/1', 'w'), readable: false });
    if (stat.isSocket()) return new Socket({ fd: 1, readable: false });
  } catch {
    // No /proc or fd 1 not stat-able: process.stdout copes (and reports errors) on its own.
  }
  return process.stdout;
}

export function register(program: Command, ctx: CliContext): void {
  registerWebhook(program, ctx, processSignals, stdoutTarget);
}

/** ctx.stdout as a target that never pushes back (in-process tests capture output in memory). */
const contextTarget = (ctx: CliContext) => (): DecisionLogTarget => ({
  write(chunk, callback) {
    ctx.stdout(chunk);
    callback?.();
    return true;
  },
  once: () => undefined,
});

export function registerWebhook(
  program: Command,
  ctx: CliContext,
  stop: StopSignal,
  decisionTarget: () => DecisionLogTarget = contextTarget(ctx),
): void {
  const webhook = program
    .command('webhook')
    .description('admission webhook: Pod Security, checks, registries, signatures');
  webhook
    .command('serve')
    .description(
      'serve /validate, /mutate, /healthz, /readyz and /metrics over HTTPS until SIGTERM, then drain',
    )
    .requiredOption('-c, --config <file>', 'webhook configuration (see examples/webhook/webhook.yaml)')
    .option('--listen <host:port>', 'address to listen on (default: server.listen from the config)')
    .option('--tls-cert <file>', 'serving certificate (PEM), reloaded when it changes')
    .option('--tls-key <file>', 'serving key (PEM), reloaded when it changes')
    .option(
      '--decision-log-queue <records>',
      'decision records held while the log reader is slow; beyond them records are dropped and counted',
      String(DEFAULT_MAX_RECORDS),
    )
    .action(async (flags: ServeFlags) => {
      if (Boolean(flags.tlsCert) !== Boolean(flags.tlsKey))
        throw new UsageError('--tls-cert and --tls-key go together');
      const maxRecords = Number(flags.decisionLogQueue);
      if (!/^\d+$/.test(flags.decisionLogQueue) || maxRecords < 1 || maxRecords > 1_000_000)
        throw new UsageError(
          `--decision-log-queue: expected a whole number of records from 1 to 1000000, got "${flags.decisionLogQueue}"`,
        );
      const config = await loadWebhookConfig(resolve(ctx.cwd, flags.config));
      // Decision records are JSON lines on stdout, for the log pipeline; diagnostics go to stderr. The log is
      // bounded and asynchronous: a reader that stops reading costs dropped records, never admission latency.
      const decisionLog = createDecisionLog({
        target: decisionTarget(),
        format: (record) => `${JSON.stringify({ time: ctx.clock.now().toISOString(), ...record })}\n`,
        warn: ctx.stderr,
        maxRecords,
      });
      const app = await startWebhookApp({
        config,
        ...(flags.listen ? { listen: flags.listen } : {}),
        ...(flags.tlsCert && flags.tlsKey
          ? { tls: { certFile: resolve(ctx.cwd, flags.tlsCert), keyFile: resolve(ctx.cwd, flags.tlsKey) } }
          : {}),
        env: ctx.env,
        decisionLog,
      });
      ctx.stderr(`kubeward webhook: listening on ${app.server.url}\n`);
      const signal = await stop();
      ctx.stderr(`kubeward webhook: ${signal}: draining in-flight requests\n`);
      await app.close();
      const dropped = decisionLog.dropped();
      if (dropped > 0)
        ctx.stderr(`kubeward webhook: ${dropped} decision records dropped (log reader stalled)\n`);
      ctx.stderr('kubeward webhook: stopped\n');
    });
}
