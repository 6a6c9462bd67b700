import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { openExistingStore } from './report.js';
import { UsageError, errorMessage } from '../../core/errors.js';
import { createDashboard } from '../../dashboard/index.js';
import { visibleText } from '../../report/terminal-text.js';

interface DashboardFlags {
  store: string;
  listen: string;
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

export function parseListen(text: string): { host: string; port: number } {
  const m = /^(\[[0-9a-fA-F:]+\]|[^:]+):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m?.[1] || !Number.isInteger(port) || port > 65535)
    throw new UsageError(`--listen: expected host:port (port 0 picks a free one), got "${text}"`);
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}

/** 127.0.0.0/8, ::1 and the IPv4-mapped form of 127.x: addresses only this machine can reach. */
function isLoopback(address: string): boolean {
  return /^(::ffff:)?127\./.test(address) || address === '::1';
}

export function register(program: Command, ctx: CliContext): void {
  registerDashboard(program, ctx, processSignals);
}

export function registerDashboard(program: Command, ctx: CliContext, stop: StopSignal): void {
  program
    .command('dashboard')
    .description(
      'serve the web dashboard and its JSON API (/api/v1/...) over a store, read-only, until SIGTERM',
    )
    .requiredOption('--store <location>', 'store to show: SQLite path or postgres:// URL')
    .option('--listen <host:port>', 'address to listen on (port 0: a free port)', '127.0.0.1:8080')
    .action(async (flags: DashboardFlags) => {
      const { host, port } = parseListen(flags.listen);
      const store = await openExistingStore(flags.store, ctx);
      const dashboard = createDashboard({
        store,
        clock: ctx.clock,
        onError: (error) => ctx.stderr(`kubeward dashboard: error: ${visibleText(errorMessage(error))}\n`),
      });
      const server: Server = createServer((req, res) => {
        dashboard
          .handle(req, res)
          .then((handled) => {
            if (handled) return;
            res.statusCode = 404;
            res.setHeader('Content-Type', 'text/plain; charset=utf-8');
            res.setHeader('X-Content-Type-Options', 'nosniff');
            res.end('not found\n');
          })
          .catch((error: unknown) => {
            ctx.stderr(`kubeward dashboard: error: ${visibleText(errorMessage(error))}\n`);
            if (!res.headersSent) res.statusCode = 500;
            res.end();
          });
      });
      server.requestTimeout = 30_000;
      server.headersTimeout = 10_000;
      try {
        await new Promise<void>((resolveListen, reject) => {
          server.once('error', reject);
          server.listen(port, host, () => resolveListen());
        });
      } catch (error) {
        await store.close();
        throw new UsageError(
          `--listen ${flags.listen}: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`,
        );
      }
      const address = server.address() as AddressInfo;
      const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      ctx.stderr(`kubeward dashboard: listening on http://${shownHost}:${address.port}/\n`);
      if (!isLoopback(address.address))
        ctx.stderr(
          'kubeward dashboard: warning: the dashboard has no authentication; anyone who can reach this address ' +
            'reads the store (put it behind an authenticating proxy or listen on 127.0.0.1)\n',
        );
      const signal = await stop();
      ctx.stderr(`kubeward dashboard: ${signal}: stopping\n`);
      const closed = new Promise<void>((resolveClose) => server.close(() => resolveClose()));
      server.closeAllConnections();
      await closed;
      await store.close();
    });
}
