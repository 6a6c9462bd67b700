import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { CliContext } from '../context.js';
import { loadWebhookConfig } from '../../admission/config.js';
import { UsageError } from '../../core/errors.js';
import { startWebhookApp } from '../../server/webhook-app.js';

interface ServeFlags {
  config: string;
  listen?: string;
  tlsCert?: string;
  tlsKey?: string;
}

/** Resolves with the signal name when the process is asked to stop; tests pass their own. */
export type StopSignal = () => Promise<string>;

// The one place this command touches process: a server has to wait for SIGTERM (kubelet) or SIGINT (terminal).
const processSignals: StopSignal = () =>
  new Promise((resolveStop) => {
    const on = (name: string) => () => resolveStop(name);
    process.once('SIGTERM', on('SIGTERM'));
    process.once('SIGINT', on('SIGINT'));
  });

export function register(program: Command, ctx: CliContext): void {
  registerWebhook(program, ctx, processSignals);
}

export function registerWebhook(program: Command, ctx: CliContext, stop: StopSignal): void {
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
    .action(async (flags: ServeFlags) => {
      if (Boolean(flags.tlsCert) !== Boolean(flags.tlsKey))
        throw new UsageError('--tls-cert and --tls-key go together');
      const config = await loadWebhookConfig(resolve(ctx.cwd, flags.config));
      const app = await startWebhookApp({
        config,
        ...(flags.listen ? { listen: flags.listen } : {}),
        ...(flags.tlsCert && flags.tlsKey
          ? { tls: { certFile: resolve(ctx.cwd, flags.tlsCert), keyFile: resolve(ctx.cwd, flags.tlsKey) } }
          : {}),
        env: ctx.env,
        // Decision records are JSON lines on stdout, for the log pipeline; diagnostics go to stderr.
        log: (record) =>
          ctx.stdout(`${JSON.stringify({ time: ctx.clock.now().toISOString(), ...record })}\n`),
      });
      ctx.stderr(`kubeward webhook: listening on ${app.server.url}\n`);
      const signal = await stop();
      ctx.stderr(`kubeward webhook: ${signal}: draining in-flight requests\n`);
      await app.close();
      ctx.stderr('kubeward webhook: stopped\n');
    });
}
