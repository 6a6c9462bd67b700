// `image scan`, `image gate` and `fs scan`: vulnerability scanning and the grace-period gate. The `image` and
// `fs` command groups belong to image.ts and fs.ts, which call registerImageScan / registerFsScan.
import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { type Clock, fixedClock } from '../../core/clock.js';
import { UsageError } from '../../core/errors.js';
import type { VulnSeverity } from '../../detect/model.js';
import type { VulnReport } from '../../detect/report.js';
import { parsePlatform } from '../../image/platform.js';
import type { ImageInventoryOptions } from '../../inventory/scan-image.js';
import { FirstSeenStore, defaultStatePath } from '../../policy/first-seen-store.js';
import { type GateDecision, evaluateGate } from '../../policy/gate.js';
import { type GatePolicy, loadGatePolicy } from '../../policy/gate-policy.js';
import { formatGateText, gateDecisionJson } from '../../policy/gate-report.js';
import { loadVexFiles } from '../../policy/vex.js';
import {
  VULN_FORMATS,
  VULN_SEVERITY_NAMES,
  formatVulnReport,
  gateFindingsOf,
  repositoryOf,
  scanDirectoryVulnerabilities,
  scanImageVulnerabilities,
} from '../../scan/scan-image.js';
import { TOOL_VERSION } from '../../scan/version.js';
import { formatVulnJson } from '../../detect/format/json.js';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { splitList, writeOutput } from '../output.js';
import { vulndbSettingsOf } from './db.js';
import { openLedgers } from './image-origin.js';
import { pipelineIdentity } from '../../scan/build-ledger.js';

interface ScanFlags {
  format: string;
  output?: string;
  severity?: string;
  ignoreUnfixed?: boolean;
  vex: string[];
  db?: string;
  config?: string;
  color: boolean;
  now?: string;
}

interface GateFlags {
  gate?: string;
  policy?: string;
  state?: string;
  record: boolean;
}

interface RecordFlags {
  recordBuild?: boolean;
  pipeline?: string;
  ledger?: string;
  store?: string;
}

interface ImageFlags {
  platform?: string;
  username?: string;
  password?: string;
  passwordStdin?: boolean;
  caFile?: string;
  insecure?: boolean;
  cacheDir?: string;
  cache: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function addScanOptions(command: Command): Command {
  return command
    .addOption(
      new Option('-f, --format <format>', 'output format').choices([...VULN_FORMATS]).default('table'),
    )
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option('--severity <list>', `only these severities, comma-separated (${VULN_SEVERITY_NAMES.join(', ')})`)
    .option('--ignore-unfixed', 'leave out vulnerabilities without a fixed version')
    .option(
      '--vex <file>',
      'OpenVEX document; not_affected and fixed statements suppress findings (repeatable)',
      collect,
      [],
    )
    .option('--db <file>', 'vulnerability database (default $KUBEWARD_DB or the cache directory)')
    .option('-c, --config <file>', 'configuration file (default: ./kubeward.yaml when present)')
    .option(
      '--now <time>',
      'pin the clock (ISO date or time) for ages and grace periods; nothing is recorded',
    )
    .option('--no-color', 'no ANSI colours in table output');
}

function addGateOptions(command: Command): Command {
  return command
    .option(
      '--state <file>',
      'first-seen state database (default $KUBEWARD_STATE_DIR/state.db or ~/.local/state/kubeward)',
    )
    .option('--no-record', 'do not record first sightings in the state database');
}

function addImageOptions(command: Command): Command {
  return command
    .option(
      '--platform <os/arch[/variant]>',
      'platform to pick from a multi-platform index (default linux/amd64)',
    )
    .option('--username <name>', 'registry user (default: from the Docker config file)')
    .option('--password <password>', 'registry password or token (prefer --password-stdin)')
    .option('--password-stdin', 'read the registry password from standard input')
    .option('--ca-file <pem>', 'extra CA certificates to trust for the registry')
    .option('--insecure', 'talk plain HTTP to the registry')
    .option('--cache-dir <dir>', 'layer cache directory (default $KUBEWARD_CACHE_DIR or ~/.cache/kubeward)')
    .option('--no-cache', 'do not read or write the layer cache');
}

/** Adds `scan` and `gate` to the `image` command group. */
export function registerImageScan(image: Command, ctx: CliContext): void {
  addImageOptions(
    addGateOptions(
      addScanOptions(
        image
          .command('scan')
          .description(
            'find vulnerabilities in an image (registry ref, oci:DIR[:tag], oci-archive:FILE, docker-archive:FILE)',
          )
          .argument('<ref>', 'image reference or source'),
      )
        .option(
          '--gate <policy>',
          'also evaluate this gate policy (gate.yaml); exit 1 when a vulnerability is overdue',
        )
        .option(
          '--record-build',
          'in CI: record the image digest, the pipeline and the time in the build ledger (provenance)',
        )
        .option('--pipeline <id>', 'pipeline identity to record (default: from the CI environment)')
        .option('--ledger <file>', 'record into this JSON-lines ledger file instead of the store')
        .option('--store <location>', 'store to record into (SQLite file or postgres:// URL)'),
    ),
  ).action(async (ref: string, flags: ScanFlags & GateFlags & ImageFlags & RecordFlags) => {
    // Fail on a missing pipeline identity before the scan, not after minutes of work.
    const pipeline = flags.recordBuild ? pipelineIdentity(ctx.env, flags.pipeline) : undefined;
    if (!flags.recordBuild && (flags.pipeline || flags.ledger || flags.store))
      throw new UsageError('--pipeline, --ledger and --store go with --record-build');
    if (flags.recordBuild) await checkRecordTarget(ref, flags, ctx);
    const report = await runImage(ref, flags, flags.gate, ctx, false);
    if (pipeline) await recordBuild(report, pipeline, flags, ctx);
  });
  addImageOptions(
    addGateOptions(
      addScanOptions(
        image
          .command('gate')
          .description(
            'grace-period gate: exit 1 when a counted vulnerability is overdue, warn while it is within grace',
          )
          .argument('<ref>', 'image reference or source'),
      ).requiredOption('--policy <file>', 'gate policy (gate.yaml)'),
    ),
  ).action(async (ref: string, flags: ScanFlags & GateFlags & ImageFlags) => {
    await runImage(ref, flags, flags.policy, ctx, true);
  });
}

/** Adds `scan` to the `fs` command group. */
export function registerFsScan(fs: Command, ctx: CliContext): void {
  addScanOptions(
    fs
      .command('scan')
      .description(
        'find vulnerabilities in a directory (lockfiles, package databases, unpacked root file systems)',
      )
      .argument('<dir>', 'directory to scan'),
  ).action(async (dir: string, flags: ScanFlags) => {
    const common = await commonOptions(flags, ctx);
    const report = await scanDirectoryVulnerabilities(resolve(ctx.cwd, dir), common);
    await emit(report, flags, undefined, ctx, false);
  });
}

async function runImage(
  ref: string,
  flags: ScanFlags & GateFlags & ImageFlags,
  policyPath: string | undefined,
  ctx: CliContext,
  gateOnly: boolean,
): Promise<VulnReport> {
  const policy = policyPath ? await loadGatePolicy(resolve(ctx.cwd, policyPath)) : undefined;
  const common = await commonOptions(flags, ctx);
  const report = await scanImageVulnerabilities(ref, { ...common, image: await imageOptions(flags, ctx) });
  const decision = gateAndRecord(report, ref, policy, flags, common.clock, flags.now !== undefined, ctx);
  await emit(report, flags, decision, ctx, gateOnly);
  if (decision?.outcome === 'fail') ctx.setExitCode(EXIT.FAILED);
  return report;
}

/**
 * What `--record-build` needs, checked before the scan rather than after minutes of work: a registry image (a
 * local layout or archive has no repository to vouch for), one ledger (the file or the store, as documented),
 * and a ledger file path that can be a file.
 */
async function checkRecordTarget(ref: string, flags: RecordFlags, ctx: CliContext): Promise<void> {
  if (/^(oci|oci-archive|docker-archive):/.test(ref))
    throw new UsageError('--record-build needs an image in a registry (REGISTRY/REPOSITORY[:TAG|@DIGEST])');
  if (flags.ledger !== undefined && flags.store !== undefined)
    throw new UsageError('--ledger and --store: give one (the build is recorded in one ledger)');
  if (flags.ledger !== undefined) {
    const info = await stat(resolve(ctx.cwd, flags.ledger)).catch(() => undefined);
    if (info && !info.isFile()) throw new UsageError(`--ledger ${flags.ledger}: not a regular file`);
  }
}

/** The build ledger entry: this digest came out of this pipeline. Recorded whatever the gate said. */
async function recordBuild(
  report: VulnReport,
  pipeline: string,
  flags: RecordFlags,
  ctx: CliContext,
): Promise<void> {
  const subject = report.subject;
  if (subject.kind !== 'image' || !subject.repository)
    throw new UsageError('--record-build needs an image in a registry (REGISTRY/REPOSITORY[:TAG|@DIGEST])');
  const ledgers = await openLedgers({ ledger: flags.ledger ? [flags.ledger] : [], store: flags.store }, ctx);
  try {
    const ledger = ledgers.list[0];
    if (!ledger) throw new UsageError('no build ledger to record into');
    await ledger.record({
      digest: subject.manifestDigest,
      repository: subject.repository,
      pipeline,
      recordedAt: ctx.clock.now().toISOString(),
    });
    ctx.stderr(
      `kubeward: recorded build ${subject.repository}@${subject.manifestDigest} by ${pipeline} in ${ledger.where}\n`,
    );
  } finally {
    await ledgers.close();
  }
}

async function commonOptions(flags: ScanFlags, ctx: CliContext) {
  const settings = await vulndbSettingsOf(flags.config, ctx);
  const clock = flags.now !== undefined ? pinnedClock(flags.now) : ctx.clock;
  const severities = parseSeverities(flags.severity);
  const vex = await loadVexFiles(flags.vex.map((f) => resolve(ctx.cwd, f)));
  return {
    dbPath: flags.db ? resolve(ctx.cwd, flags.db) : settings.path,
    clock,
    toolVersion: TOOL_VERSION,
    filters: { severities, ignoreUnfixed: flags.ignoreUnfixed ?? false },
    vex,
    maxDbAgeDays: settings.maxAgeDays,
  };
}

export function pinnedClock(value: string): Clock {
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  try {
    return fixedClock(iso);
  } catch {
    throw new UsageError(`--now: not a date or time: ${value}`);
  }
}

function parseSeverities(value: string | undefined): VulnSeverity[] {
  const list = splitList(value).map((s) => s.toLowerCase());
  for (const s of list) {
    if (!(VULN_SEVERITY_NAMES as readonly string[]).includes(s)) {
      throw new UsageError(
        `--severity: unknown severity "${s}" (choose from ${VULN_SEVERITY_NAMES.join(', ')})`,
      );
    }
  }
  return list as VulnSeverity[];
}

async function imageOptions(flags: ImageFlags, ctx: CliContext): Promise<ImageInventoryOptions> {
  const password = flags.passwordStdin ? (await ctx.readStdin()).replace(/\r?\n$/, '') : flags.password;
  if ((flags.username === undefined) !== (password === undefined)) {
    throw new UsageError('--username and --password (or --password-stdin) go together');
  }
  return {
    cwd: ctx.cwd,
    env: ctx.env,
    dockerConfig: { env: ctx.env },
    ...(flags.platform ? { platform: parsePlatform(flags.platform) } : {}),
    ...(flags.username !== undefined && password !== undefined
      ? { credentials: { username: flags.username, password } }
      : {}),
    ...(flags.caFile ? { caFile: flags.caFile } : {}),
    ...(flags.insecure ? { insecure: true } : {}),
    cachePath: flags.cache ? (flags.cacheDir ? join(flags.cacheDir, 'cache.db') : undefined) : false,
  };
}

const NO_POLICY: GatePolicy = { defaults: {}, scopes: [], exceptions: [] };

/**
 * Evaluates the gate (when there is a policy) and records first sightings. A scan without a gate still records
 * them, so grace periods count from the first scan, not from the day a gate was introduced. A pinned clock
 * (--now) is for tests and audits and never writes.
 */
function gateAndRecord(
  report: VulnReport,
  ref: string,
  policy: GatePolicy | undefined,
  flags: GateFlags,
  clock: Clock,
  pinned: boolean,
  ctx: CliContext,
): GateDecision | undefined {
  const write = flags.record && !pinned;
  if (!policy && !write) return undefined;
  const statePath = flags.state ? resolve(ctx.cwd, flags.state) : defaultStatePath(ctx.env);
  const store = FirstSeenStore.open(statePath);
  try {
    const repository = repositoryOf(report);
    const decision = evaluateGate({
      findings: gateFindingsOf(report),
      policy: policy ?? NO_POLICY,
      state: store.load(repository),
      now: clock.now(),
      repository,
      imageNames: [ref, report.subject.name],
    });
    if (write) store.apply(decision.stateUpdates);
    return policy ? decision : undefined;
  } finally {
    store.close();
  }
}

async function emit(
  report: VulnReport,
  flags: ScanFlags,
  decision: GateDecision | undefined,
  ctx: CliContext,
  gateOnly: boolean,
): Promise<void> {
  const color = flags.color && ctx.isTTY && !flags.output;
  let text: string;
  if (gateOnly && decision && flags.format === 'table') text = formatGateText(decision);
  else if (gateOnly && decision && flags.format === 'json')
    text = formatVulnJson(report, { gate: gateDecisionJson(decision) });
  else
    text = formatVulnReport(report, flags.format, {
      color,
      baseDir: ctx.cwd,
      ...(decision ? { gate: decision } : {}),
    });
  await writeOutput(text, flags.output, ctx);
  if (flags.format !== 'table' || flags.output) {
    for (const warning of report.warnings) ctx.stderr(`kubeward: warning: ${warning}\n`);
    if (decision && flags.format !== 'json') ctx.stderr(formatGateText(decision));
  }
}
