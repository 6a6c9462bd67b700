import type { Command } from 'commander';
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { CliContext } from '../context.js';
import { ConfigError, UsageError, errorMessage } from '../../core/errors.js';
import { createDashboard } from '../../dashboard/index.js';
import { defaultCachePath } from '../../inventory/layer-cache.js';
import { connectKubeClient } from '../../k8s/live/watch-transport.js';
import type { RuleSet } from '../../checks/runtime/index.js';
import { filePositionStore } from '../../runtime/position-store.js';
import { fileLedger, storeLedger } from '../../scan/build-ledger.js';
import { followAuditLog } from '../../serve/audit-log.js';
import type { AuditLogFollower } from '../../serve/audit-log.js';
import { startServeHttp } from '../../serve/http.js';
import { serveOriginResolver } from '../../serve/origin.js';
import { startServe } from '../../serve/serve.js';
import { parseListen } from '../../server/webhook-app.js';
import { resolveKubeconfigPath } from '../../k8s/live/connection.js';
import {
  DEFAULT_CLUSTER,
  clusterNameProblem,
  defaultStorePath,
  isPostgresUrl,
  openStore,
} from '../../store/index.js';
import type { Store } from '../../store/model.js';
import { TOOL_VERSION } from '../../scan/version.js';
import { loadConfig } from '../../scan/config.js';
import { updateDatabase } from '../../vulndb/update.js';
import { vulndbSettingsOf } from './db.js';
import { trustOfFlags } from './image-origin.js';
import { loadRules } from './runtime.js';

interface ServeFlags {
  kubeconfig?: string;
  context?: string;
  clusterName?: string;
  store?: string;
  db?: string;
  listen: string;
  tlsCert?: string;
  tlsKey?: string;
  interval: string;
  debounce: string;
  namespace: string[];
  insecureRegistry: string[];
  caFile?: string;
  cacheDir?: string;
  cache: boolean;
  leaderElect?: boolean;
  leaseNamespace?: string;
  leaseName: string;
  leaseDuration: string;
  renewDeadline: string;
  retryPeriod: string;
  config?: string;
  dbUpdateInterval?: string;
  dbSource: string[];
  trustPolicy?: string;
  trustStore?: string;
  ledger: string[];
  auditLog?: string;
  auditState?: string;
  auditRules: string[];
}

/** Resolves with the signal name when the process is asked to stop; tests pass their own. */
export type StopSignal = () => Promise<string>;

// The one place this command touches process: a server waits for SIGTERM (kubelet) or SIGINT (terminal).
const processSignals: StopSignal = () =>
  new Promise((resolveStop) => {
    const on = (name: string) => () => resolveStop(name);
    process.once('SIGTERM', on('SIGTERM'));
    process.once('SIGINT', on('SIGINT'));
  });

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** `90s`, `15m`, `1h`, `500ms` into milliseconds, naming the flag when it is not one. */
function parseDuration(text: string, flag: string): number {
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  const ms = m ? Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms'] : 0;
  if (!m || ms <= 0)
    throw new UsageError(`${flag}: expected a positive duration like 30s, 15m or 1h, got "${text}"`);
  return ms;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function register(program: Command, ctx: CliContext): void {
  registerServe(program, ctx, processSignals);
}

export function registerServe(program: Command, ctx: CliContext, stop: StopSignal): void {
  program
    .command('serve')
    .description(
      'watch the cluster, scan the images that run (again when the vulnerability database changes), re-run the posture checks, keep history in the store; serves /healthz, /readyz, /metrics and the dashboard',
    )
    .option(
      '--kubeconfig <file>',
      'kubeconfig (default: $KUBECONFIG, ~/.kube/config, else the in-cluster service account)',
    )
    .option('--context <name>', 'kubeconfig context (default: the current one)')
    .option(
      '--cluster-name <name>',
      'name of this cluster in the store, so a fleet shares one store (default: the kubeconfig context; in-cluster: default)',
    )
    .option('--store <location>', 'SQLite file or postgres:// URL (default $KUBEWARD_STATE_DIR/store.db)')
    .option('--db <file>', 'vulnerability database (default $KUBEWARD_DB or the cache directory)')
    .option('-c, --config <file>', 'configuration file (default: ./kubeward.yaml when present)')
    .option(
      '--db-update-interval <duration>',
      'update the vulnerability database this often (leader only; default: never)',
    )
    .option(
      '--db-source <url|file|dir>',
      'source for those updates (repeatable; default: the configuration)',
      collect,
      [],
    )
    .option('--listen <host:port>', 'address for health, metrics and the dashboard', '0.0.0.0:8080')
    .option('--tls-cert <file>', 'serving certificate (PEM), reloaded when it changes')
    .option('--tls-key <file>', 'serving key (PEM), reloaded when it changes')
    .option('--interval <duration>', 'scheduled pass: posture checks, failed scans retried', '1h')
    .option('--debounce <duration>', 'quiet time after a change before a pass', '2s')
    .option('-n, --namespace <ns>', 'only this namespace (repeatable; default: all)', collect, [])
    .option('--insecure-registry <host>', 'talk plain HTTP to this registry (repeatable)', collect, [])
    .option('--ca-file <pem>', 'extra CA certificates to trust for registries')
    .option('--cache-dir <dir>', 'layer cache directory (default $KUBEWARD_CACHE_DIR or ~/.cache/kubeward)')
    .option('--no-cache', 'do not read or write the layer cache')
    .option('--leader-elect', 'elect one leader among replicas with a Lease; only the leader scans')
    .option('--lease-namespace <ns>', 'namespace of the Lease (default $POD_NAMESPACE, else kubeward-system)')
    .option('--lease-name <name>', 'name of the Lease', 'kubeward-serve')
    .option('--lease-duration <duration>', 'how long a silent leader keeps the lease', '15s')
    .option('--renew-deadline <duration>', 'a leader that cannot renew for this long steps down', '10s')
    .option('--retry-period <duration>', 'how often candidates try and the leader renews', '2s')
    .option(
      '--trust-policy <file>',
      'Notation trust policy: record whether each scanned image carries an accepted signature',
    )
    .option('--trust-store <dir>', 'Notation trust store directory (with --trust-policy)')
    .option(
      '--ledger <file>',
      'build ledger file published by CI (repeatable); with it or --trust-policy the store ledger is asked too',
      collect,
      [],
    )
    .option(
      '--audit-log <file>',
      'follow this audit log (JSON lines) through the runtime rules and keep the alerts in the store',
    )
    .option(
      '--audit-state <file>',
      'where the audit log read position is kept (default: next to the SQLite store, or in $KUBEWARD_STATE_DIR)',
    )
    .option(
      '--audit-rules <file>',
      'extra runtime rules file (YAML) for --audit-log (repeatable)',
      collect,
      [],
    )
    .action(async (flags: ServeFlags) => {
      if (Boolean(flags.tlsCert) !== Boolean(flags.tlsKey))
        throw new UsageError('--tls-cert and --tls-key go together');
      const listen = parseListen(flags.listen);
      const intervalMs = parseDuration(flags.interval, '--interval');
      const debounceMs = parseDuration(flags.debounce, '--debounce');
      const dbUpdateMs = flags.dbUpdateInterval
        ? parseDuration(flags.dbUpdateInterval, '--db-update-interval')
        : undefined;
      const vulndb = await vulndbSettingsOf(flags.config, ctx);
      // The same kubeward.yaml as `scan`: rule selection, severity overrides and exceptions apply to posture.
      const { config } = await loadConfig(flags.config && resolve(ctx.cwd, flags.config), ctx.cwd);
      const dbPath = flags.db ? resolve(ctx.cwd, flags.db) : vulndb.path;
      for (const ns of [...flags.namespace, ...(flags.leaseNamespace ? [flags.leaseNamespace] : [])])
        if (!NAME.test(ns) || ns.length > 63)
          throw new UsageError(`--namespace: "${ns}" is not a valid namespace name`);
      const clusterProblem =
        flags.clusterName !== undefined ? clusterNameProblem(flags.clusterName) : undefined;
      if (clusterProblem) throw new UsageError(`--cluster-name: ${clusterProblem}`);
      const leaseSeconds = (flag: string, text: string) => parseDuration(text, flag) / 1000;
      const leaderElection = flags.leaderElect
        ? {
            namespace: flags.leaseNamespace ?? ctx.env['POD_NAMESPACE'] ?? 'kubeward-system',
            name: flags.leaseName,
            identity: ctx.env['POD_NAME'] ?? hostname(),
            leaseDurationSeconds: Math.ceil(leaseSeconds('--lease-duration', flags.leaseDuration)),
            renewDeadlineSeconds: leaseSeconds('--renew-deadline', flags.renewDeadline),
            retryPeriodSeconds: leaseSeconds('--retry-period', flags.retryPeriod),
          }
        : undefined;
      if (
        leaderElection &&
        !(
          leaderElection.leaseDurationSeconds > leaderElection.renewDeadlineSeconds &&
          leaderElection.renewDeadlineSeconds > leaderElection.retryPeriodSeconds
        )
      )
        throw new UsageError(
          `--lease-duration (${flags.leaseDuration}) > --renew-deadline (${flags.renewDeadline}) > --retry-period (${flags.retryPeriod}) is required, so two leaders never overlap`,
        );
      // Every flag is checked (and the files it names read) before the cluster and the store are touched.
      const trust = await trustOfFlags(flags, ctx);
      if (!flags.auditLog && (flags.auditState || flags.auditRules.length > 0))
        throw new UsageError('--audit-state and --audit-rules need --audit-log');
      const auditRules = flags.auditLog
        ? await loadRules({ rules: flags.auditRules, ...(flags.config ? { config: flags.config } : {}) }, ctx)
        : undefined;
      const client = await connectKubeClient({
        ...(flags.kubeconfig ? { kubeconfig: resolve(ctx.cwd, flags.kubeconfig) } : {}),
        ...(flags.context ? { context: flags.context } : {}),
        env: ctx.env,
      });
      const clusterName = flags.clusterName ?? defaultClusterName(flags.kubeconfig, client.context, ctx);
      const storeLocation = flags.store ?? defaultStorePath(ctx.env);
      const postgres = isPostgresUrl(storeLocation);
      const storePath = postgres ? storeLocation : resolve(ctx.cwd, storeLocation);
      const store = await openStore(storePath);
      const log = (message: string) => ctx.stderr(`kubeward serve: ${message}\n`);
      const registry = {
        dockerConfig: { env: ctx.env },
        ...(flags.caFile ? { caFile: resolve(ctx.cwd, flags.caFile) } : {}),
      };
      // As `registry scan`: origin is looked up only when asked for; the store's own ledger is always consulted.
      const origin =
        trust || flags.ledger.length > 0
          ? serveOriginResolver({
              ...(trust ? { trust } : {}),
              ledgers: [
                ...flags.ledger.map((f) => fileLedger(resolve(ctx.cwd, f))),
                // A PostgreSQL URL may carry a password: never echo it.
                storeLedger(store, postgres ? 'store (PostgreSQL)' : `store ${storePath}`),
              ],
              clock: ctx.clock,
              registry,
              insecureRegistries: flags.insecureRegistry,
            })
          : undefined;
      const controller = startServe({
        client,
        store,
        clusterName,
        clock: ctx.clock,
        toolVersion: TOOL_VERSION,
        dbPath,
        config,
        ...(dbUpdateMs
          ? {
              dbUpdate: {
                intervalMs: dbUpdateMs,
                run: async () => {
                  const result = await updateDatabase({
                    dbPath,
                    sources: flags.dbSource.length > 0 ? flags.dbSource : vulndb.sources,
                    cwd: ctx.cwd,
                    clock: ctx.clock,
                  });
                  for (const source of result.sources)
                    if (source.status === 'failed')
                      log(`db update: ${source.name}: ${source.error ?? 'failed'}`);
                },
              },
            }
          : {}),
        ...(flags.namespace.length > 0 ? { namespaces: flags.namespace } : {}),
        intervalMs,
        debounceMs,
        registry,
        insecureRegistries: flags.insecureRegistry,
        ...(origin ? { origin } : {}),
        cachePath: flags.cache
          ? flags.cacheDir
            ? join(resolve(ctx.cwd, flags.cacheDir), 'cache.db')
            : defaultCachePath(ctx.env)
          : false,
        ...(leaderElection ? { leaderElection } : {}),
        onLog: log,
      });
      let http;
      try {
        http = await startServeHttp({
          ...listen,
          ...(flags.tlsCert && flags.tlsKey
            ? { tls: { certFile: resolve(ctx.cwd, flags.tlsCert), keyFile: resolve(ctx.cwd, flags.tlsKey) } }
            : {}),
          status: controller.status,
          // Every replica serves the dashboard and its JSON API from the shared store.
          handlers: [
            createDashboard({
              store,
              clock: ctx.clock,
              onError: (error) => log(`dashboard: ${errorMessage(error)}`),
            }).handle,
          ],
          onLog: log,
        });
      } catch (error) {
        await controller.stop();
        await store.close();
        throw error;
      }
      let audit: AuditLogFollower | undefined;
      try {
        if (flags.auditLog && auditRules)
          audit = await startAuditFollow(
            flags.auditLog,
            flags.auditState,
            auditRules,
            store,
            postgres ? undefined : storePath,
            ctx,
            log,
          );
      } catch (error) {
        await http.close();
        await controller.stop();
        await store.close();
        throw error;
      }
      log(
        `watching ${client.server} (context ${client.context}) as cluster "${clusterName}"; listening on ${http.url}`,
      );
      const signal = await stop();
      log(`${signal}: stopping`);
      await http.close();
      await audit?.stop();
      await controller.stop();
      await store.close();
      log('stopped');
    });
}

/**
 * Without `--cluster-name`: the kubeconfig context names the cluster (what `kubectl config current-context`
 * shows); in-cluster there is no context worth a name, so `default`, which is also what schema-1 rows got.
 * A context name the store would refuse (empty, too long) falls back to `default` too.
 */
function defaultClusterName(kubeconfig: string | undefined, context: string, ctx: CliContext): string {
  const inCluster = !resolveKubeconfigPath(kubeconfig && resolve(ctx.cwd, kubeconfig), ctx.env);
  if (inCluster || clusterNameProblem(context)) return DEFAULT_CLUSTER;
  return context;
}

/**
 * `--audit-log`: the position file defaults to the SQLite store's directory (for PostgreSQL, the local state
 * directory), one file per followed path, so a restart resumes where the stored alerts end.
 */
async function startAuditFollow(
  file: string,
  stateFlag: string | undefined,
  ruleSet: RuleSet,
  store: Store,
  sqlitePath: string | undefined,
  ctx: CliContext,
  log: (message: string) => void,
): Promise<AuditLogFollower> {
  const path = resolve(ctx.cwd, file);
  const statePath = stateFlag
    ? resolve(ctx.cwd, stateFlag)
    : join(
        dirname(sqlitePath ?? defaultStorePath(ctx.env)),
        `audit-position-${createHash('sha256').update(path).digest('hex').slice(0, 16)}.json`,
      );
  try {
    await mkdir(dirname(statePath), { recursive: true });
  } catch (error) {
    throw new ConfigError(
      `--audit-state ${statePath}: cannot create its directory: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`,
    );
  }
  log(`following audit log ${path} (position in ${statePath})`);
  return followAuditLog({
    path,
    positions: filePositionStore(statePath),
    ruleSet,
    store,
    clock: ctx.clock,
    onLog: log,
  });
}
