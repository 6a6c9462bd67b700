// `kubeward registry scan HOST[/prefix]`: scan every image of a registry, keep results in the store, report drift.
// Exit codes: 0 scanned and the gate (if any) passed; 1 the gate failed; 2 usage or configuration error;
// 3 the scan is incomplete (registry unreachable or answers refused): the report still lists what was and was
// not scanned, and the next run of the same target resumes.
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { parsePlatform } from '../../image/platform.js';
import type { RegistryOptions } from '../../image/registry-client.js';
import { FirstSeenStore, defaultStatePath } from '../../policy/first-seen-store.js';
import { loadGatePolicy } from '../../policy/gate-policy.js';
import { fileLedger, readLedgerFile, storeLedger } from '../../scan/build-ledger.js';
import { originOf } from '../../scan/provenance.js';
import {
  DRIFT_FORMATTERS,
  type OriginResolver,
  type RegistryGateResult,
  type RegistryScanResult,
  buildDriftReport,
  createProgressRenderer,
  formatDriftReport,
  gateRegistryScan,
  parseRate,
  parseRegistryTarget,
  parseShard,
  scanRegistry,
} from '../../scan/registry-scan/index.js';
import { TOOL_VERSION } from '../../scan/version.js';
import { loadTrustPolicy, openTrustStore, parseDuration } from '../../signing/notation/index.js';
import { defaultStorePath, isPostgresUrl, openStore } from '../../store/index.js';
import type { Store } from '../../store/model.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { writeOutput } from '../output.js';
import { vulndbSettingsOf } from './db.js';

interface RegistryScanFlags {
  format: string;
  output?: string;
  store?: string;
  db?: string;
  config?: string;
  concurrency: string;
  rate?: string;
  shard?: string;
  restart?: boolean;
  gate?: string;
  state?: string;
  record: boolean;
  platform?: string;
  insecure?: boolean;
  caFile?: string;
  username?: string;
  passwordStdin?: boolean;
  cacheDir?: string;
  cache: boolean;
  trustPolicy?: string;
  trustStore?: string;
  ledger: string[];
  timeout: string;
}

/**
 * Per request (time to the answer's headers, and idle time within a body). The image client's own default is
 * 60 s, and it retries a timed-out request: a registry that accepts connections and never answers held a run
 * for four minutes before the catalog failed.
 */
const DEFAULT_REQUEST_TIMEOUT = '30s';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function register(program: Command, ctx: CliContext): void {
  const registry = program.command('registry').description('scan whole registries and report drift');
  registry
    .command('scan')
    .description(
      'scan every tagged image of a registry (each digest once), keep results in the store and report drift since the last scan',
    )
    .argument('<target>', 'HOST[:PORT][/repository-prefix]')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(DRIFT_FORMATTERS.keys()).default('table'),
    )
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option(
      '--store <location>',
      'store: SQLite file or postgres:// URL (default $KUBEWARD_STATE_DIR/store.db)',
    )
    .option('--db <file>', 'vulnerability database (default $KUBEWARD_DB or the cache directory)')
    .option('-c, --config <file>', 'configuration file (default: ./kubeward.yaml when present)')
    .option('--concurrency <n>', 'images scanned at once', '4')
    .option('--rate <N/s>', 'at most N registry requests per second (all workers together)')
    .option(
      '--shard <I/N>',
      'scan only shard I of N (0-based, as JOB_COMPLETION_INDEX); repositories are never split',
    )
    .option('--restart', 'start a new run instead of resuming an unfinished one')
    .option('--gate <policy>', 'evaluate this gate policy (gate.yaml) on every image; exit 1 when one fails')
    .option('--state <file>', 'first-seen state database for the gate (default as image gate)')
    .option('--no-record', 'do not record first sightings in the state database')
    .option(
      '--platform <os/arch[/variant]>',
      'platform to pick from multi-platform indexes (default linux/amd64)',
    )
    .option('--insecure', 'talk plain HTTP to the registry')
    .option('--ca-file <pem>', 'extra CA certificates to trust for the registry')
    .option('--username <name>', 'registry user (default: from the Docker config file)')
    .option('--password-stdin', 'read the registry password from standard input')
    .option('--cache-dir <dir>', 'layer cache directory (default $KUBEWARD_CACHE_DIR or ~/.cache/kubeward)')
    .option('--no-cache', 'do not read or write the layer cache')
    .option('--trust-policy <file>', 'Notation trust policy: report images without an accepted signature')
    .option('--trust-store <dir>', 'Notation trust store directory (with --trust-policy)')
    .option(
      '--timeout <duration>',
      'per registry request: longest wait for an answer (e.g. 30s, 2m); a request is tried up to 4 times',
      DEFAULT_REQUEST_TIMEOUT,
    )
    .option(
      '--ledger <file>',
      'build ledger file published by CI (repeatable); the store ledger is always asked',
      collect,
      [],
    )
    .action(async (targetText: string, flags: RegistryScanFlags) => {
      await runRegistryScan(targetText, flags, ctx);
    });
}

async function runRegistryScan(targetText: string, flags: RegistryScanFlags, ctx: CliContext): Promise<void> {
  const target = parseRegistryTarget(targetText);
  const shard = flags.shard !== undefined ? parseShard(flags.shard) : undefined;
  const concurrency = Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) {
    throw new UsageError(`--concurrency "${flags.concurrency}": expected a whole number from 1 to 64`);
  }
  const ratePerSecond = flags.rate !== undefined ? parseRate(flags.rate) : undefined;
  if ((flags.trustPolicy === undefined) !== (flags.trustStore === undefined)) {
    throw new UsageError('--trust-policy and --trust-store go together');
  }
  const policy = flags.gate ? await loadGatePolicy(resolve(ctx.cwd, flags.gate)) : undefined;
  if (flags.output) await checkOutputPath(flags.output, ctx);
  // Every ledger line is checked now: a bad ledger found per image would fail each digest after its scan.
  for (const file of flags.ledger) await readLedgerFile(resolve(ctx.cwd, file));
  const registry = await registryOptionsOf(flags, ctx);
  const dbPath = flags.db ? resolve(ctx.cwd, flags.db) : (await vulndbSettingsOf(flags.config, ctx)).path;
  const location = flags.store ?? defaultStorePath(ctx.env);
  const postgres = isPostgresUrl(location);
  const store = await openStore(postgres ? location : resolve(ctx.cwd, location));
  const progress = createProgressRenderer(ctx.isTTY, ctx.stderr);
  let result: RegistryScanResult;
  try {
    result = await scanRegistry({
      target,
      ...(shard ? { shard } : {}),
      store,
      registry,
      ...(flags.platform ? { platform: parsePlatform(flags.platform) } : {}),
      dbPath,
      cachePath: flags.cache
        ? flags.cacheDir
          ? join(resolve(ctx.cwd, flags.cacheDir), 'cache.db')
          : undefined
        : false,
      env: ctx.env,
      concurrency,
      ...(ratePerSecond ? { ratePerSecond } : {}),
      restart: flags.restart ?? false,
      clock: ctx.clock,
      toolVersion: TOOL_VERSION,
      ...(await originResolverOf(
        flags,
        store,
        postgres ? 'store (PostgreSQL)' : `store ${location}`,
        registry,
        ctx,
      )),
      onProgress: (p) => progress.update(p),
    });
  } finally {
    progress.finish();
    await store.close();
  }
  const gate = policy ? applyGate(result, policy, flags, ctx) : undefined;
  const report = buildDriftReport(result, {
    generatedAt: ctx.clock.now().toISOString(),
    toolVersion: TOOL_VERSION,
  });
  const text = formatDriftReport(report, flags.format, {
    baseDir: ctx.cwd,
    ...(gate ? { gate } : {}),
  });
  await writeOutput(text, flags.output ? resolve(ctx.cwd, flags.output) : undefined, ctx);
  if (flags.format !== 'table' || flags.output) {
    for (const warning of report.warnings) ctx.stderr(`kubeward: warning: ${warning}\n`);
  }
  if (gate?.outcome === 'fail') ctx.setExitCode(EXIT.FAILED);
  if (!result.complete || result.problems.length > 0) {
    const missing = report.summary.failed + report.summary.notScanned;
    const why = result.stopReason ?? result.problems[0] ?? 'some digests failed';
    ctx.stderr(
      `kubeward: error: registry scan incomplete: ${missing} of ${report.summary.digests} digests not scanned, ${result.problems.length} listing problems; ${why}\n`,
    );
    ctx.setExitCode(EXIT.INPUT);
  }
}

async function registryOptionsOf(flags: RegistryScanFlags, ctx: CliContext): Promise<RegistryOptions> {
  const password = flags.passwordStdin ? (await ctx.readStdin()).replace(/\r?\n$/, '') : undefined;
  if ((flags.username === undefined) !== (password === undefined)) {
    throw new UsageError('--username and --password-stdin go together');
  }
  // An empty pipe (a CI secret that is not set) would otherwise surface as a 401 from the registry.
  if (password === '') throw new UsageError('--password-stdin: standard input is empty');
  const timeoutMs = parseTimeout(flags.timeout);
  return {
    timeoutMs,
    dockerConfig: { env: ctx.env },
    ...(flags.username !== undefined && password !== undefined
      ? { credentials: { username: flags.username, password } }
      : {}),
    ...(flags.caFile ? { caFile: resolve(ctx.cwd, flags.caFile) } : {}),
    ...(flags.insecure ? { insecure: true } : {}),
  };
}

/** A scan can take hours: an `--output` that can never be written is refused before it starts, not after. */
async function checkOutputPath(output: string, ctx: CliContext): Promise<void> {
  const info = await stat(resolve(ctx.cwd, output)).catch(() => undefined);
  if (info?.isDirectory()) throw new UsageError(`--output ${output}: is a directory`);
}

function parseTimeout(text: string): number {
  let ms: number;
  try {
    ms = parseDuration(text);
  } catch {
    throw new UsageError(`--timeout "${text}": expected a duration from 1s to 1h, e.g. 30s or 2m`);
  }
  if (ms < 1000 || ms > 3_600_000)
    throw new UsageError(`--timeout "${text}": expected a duration from 1s to 1h, e.g. 30s or 2m`);
  return ms;
}

/** Origin is looked up only when asked for (trust policy or ledger); otherwise it stays unset. */
async function originResolverOf(
  flags: RegistryScanFlags,
  store: Store,
  storeName: string,
  registry: RegistryOptions,
  ctx: CliContext,
): Promise<{ origin?: OriginResolver }> {
  if (!flags.trustPolicy && flags.ledger.length === 0) return {};
  const trust =
    flags.trustPolicy && flags.trustStore
      ? {
          policy: await loadTrustPolicy(resolve(ctx.cwd, flags.trustPolicy)),
          trustStore: openTrustStore(resolve(ctx.cwd, flags.trustStore)),
        }
      : undefined;
  const ledgers = [
    ...flags.ledger.map((f) => fileLedger(resolve(ctx.cwd, f))),
    storeLedger(store, storeName),
  ];
  const access = {
    ...(registry.insecure ? { insecure: true } : {}),
    ...(registry.caFile ? { caFile: registry.caFile } : {}),
    ...(registry.credentials ? { credentials: registry.credentials } : {}),
  };
  return {
    origin: (image) => originOf(image, { ...(trust ? { trust } : {}), ledgers, clock: ctx.clock, access }),
  };
}

function applyGate(
  result: RegistryScanResult,
  policy: Awaited<ReturnType<typeof loadGatePolicy>>,
  flags: RegistryScanFlags,
  ctx: CliContext,
): RegistryGateResult {
  const state = FirstSeenStore.open(flags.state ? resolve(ctx.cwd, flags.state) : defaultStatePath(ctx.env));
  try {
    const gate = gateRegistryScan(result.images, policy, (repo) => state.load(repo), ctx.clock.now());
    if (flags.record) state.apply(gate.stateUpdates);
    return gate;
  } finally {
    state.close();
  }
}
