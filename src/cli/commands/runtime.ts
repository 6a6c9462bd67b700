import { Option } from 'commander';
import type { Command } from 'commander';
import { readFile, mkdir } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { writeOutput, splitList } from '../output.js';
import { loadConfig } from '../../scan/config.js';
import { ConfigError, UsageError, errorMessage } from '../../core/errors.js';
import { SEVERITIES, atOrAbove, isSeverity } from '../../core/severity.js';
import { loadRuntimeRules } from '../../checks/runtime/index.js';
import type { RuleSet, RuleSource, RuntimeAlert } from '../../checks/runtime/index.js';
import { createDetector } from '../../checks/runtime/detector.js';
import { analyzeFiles } from '../../runtime/analyze.js';
import { followFile } from '../../runtime/follow.js';
import { filePositionStore } from '../../runtime/position-store.js';
import { createAlertPipeline } from '../../runtime/pipeline.js';
import type { AlertPipeline } from '../../runtime/pipeline.js';
import { fileSink, writerSink, webhookNotifier } from '../../runtime/sinks.js';
import type { AlertSink, WebhookNotifier } from '../../runtime/sinks.js';
import { createThrottle } from '../../runtime/throttle.js';
import { storeAlertSink } from '../../serve/alert-sink.js';
import { isPostgresUrl, openStore } from '../../store/index.js';
import {
  startAuditIntake,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_QUEUED_EVENTS,
} from '../../server/audit-intake.js';

export interface RuleFlags {
  rules: string[];
  allowedRegistries?: string;
  enable?: string;
  config?: string;
}

interface AnalyzeFlags extends RuleFlags {
  format: 'text' | 'json' | 'jsonl';
  output?: string;
  failOn?: string;
}

interface NotifyFlags extends RuleFlags {
  output?: string;
  store?: string;
  webhook?: string;
  webhookHeader: string[];
  dedupWindow: string;
  ratePerMinute: string;
}

interface WatchFlags extends NotifyFlags {
  state?: string;
  fromEnd?: boolean;
  pollMs: string;
  untilEof?: boolean;
}

interface ServeFlags extends NotifyFlags {
  tlsCert: string;
  tlsKey: string;
  clientCa?: string;
  tokenFile?: string;
  listen: string;
  maxBodyBytes: string;
  maxQueuedEvents: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function addRuleOptions(command: Command): Command {
  return command
    .option(
      '--rules <file>',
      'extra rules file (YAML), read after the shipped rules; repeatable',
      collect,
      [],
    )
    .option(
      '--allowed-registries <list>',
      'comma-separated registries (or registry/path prefixes, globs) images may come from; enables image-registry-not-allowed',
    )
    .option('--enable <ids>', 'comma-separated rule ids to enable (rules shipped disabled)')
    .option(
      '-c, --config <file>',
      'configuration file for settings.allowedRegistries (default: ./kubeward.yaml)',
    );
}

function addNotifyOptions(command: Command): Command {
  return command
    .option('-o, --output <file>', 'append alerts as JSON lines to this file instead of stdout')
    .option(
      '--store <location>',
      "also keep every alert in this store for the dashboard (SQLite file or postgres:// URL, as serve's)",
    )
    .option('--webhook <url>', 'POST each alert (deduplicated and rate limited) as JSON to this URL')
    .option('--webhook-header <name:value>', 'extra header for the webhook; repeatable', collect, [])
    .option(
      '--dedup-window <duration>',
      'one notification per rule, user and object within this window',
      '5m',
    )
    .option('--rate-per-minute <n>', 'notifications per rule and user per minute', '30');
}

/** `30s`, `5m`, `1h` or plain milliseconds. */
function parseDuration(text: string, flag: string): number {
  const m = /^(\d+)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw new UsageError(`${flag}: expected a duration like 30s, 5m or 1h, got "${text}"`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 'ms') as 'ms'];
}

function parsePositive(text: string, flag: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`${flag}: expected a positive integer, got "${text}"`);
  return n;
}

/** Registry entries become globs over the normalized reference: `myacr.azurecr.io` allows `myacr.azurecr.io/*`. */
function registryGlobs(entries: readonly string[]): string[] {
  return entries.map((e) => e.replace(/\/+$/, '')).map((e) => (e.endsWith('*') ? e : `${e}/*`));
}

/** The shipped rules plus `--rules`, lists from the flags or kubeward.yaml; `serve --audit-log` loads them too. */
export async function loadRules(flags: RuleFlags, ctx: CliContext): Promise<RuleSet> {
  const sources: RuleSource[] = [];
  for (const file of flags.rules) {
    const path = resolve(ctx.cwd, file);
    try {
      sources.push({ name: file, text: await readFile(path, 'utf8') });
    } catch (error) {
      throw new ConfigError(
        `${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`,
      );
    }
  }
  const { config } = await loadConfig(flags.config && resolve(ctx.cwd, flags.config), ctx.cwd);
  const registries =
    flags.allowedRegistries !== undefined
      ? splitList(flags.allowedRegistries)
      : config.settings.allowedRegistries;
  const enable = splitList(flags.enable);
  const lists: Record<string, string[]> = {};
  // Filling the list is what switches image-registry-not-allowed on (the rule says requires_list).
  if (registries.length > 0) lists['allowed_image_registries'] = registryGlobs(registries);
  return loadRuntimeRules(sources, { lists, enable });
}

function textLine(a: RuntimeAlert): string {
  return `${a.time ?? '-'} [${a.priority}] ${a.rule}: ${a.message} (auditID=${a.auditID})\n`;
}

async function buildOutputs(
  flags: NotifyFlags,
  ruleSet: RuleSet,
  ctx: CliContext,
): Promise<{ sinks: AlertSink[]; webhook?: WebhookNotifier; throttle: ReturnType<typeof createThrottle> }> {
  const throttle = createThrottle({
    dedupWindowMs: parseDuration(flags.dedupWindow, '--dedup-window'),
    perMinute: parsePositive(flags.ratePerMinute, '--rate-per-minute'),
    now: () => ctx.clock.now().getTime(),
  });
  const webhookTarget = flags.webhook ? webhookTargetOf(flags.webhook, flags.webhookHeader) : undefined;
  // Files and the store are opened only once every flag is known to be good, so a usage error leaks nothing.
  const sinks: AlertSink[] = [
    flags.output && flags.output !== '-'
      ? await fileSink(resolve(ctx.cwd, flags.output))
      : writerSink(ctx.stdout),
  ];
  if (flags.store !== undefined) {
    const location = isPostgresUrl(flags.store) ? flags.store : resolve(ctx.cwd, flags.store);
    // One row per alert as the record sinks see it (before the deduplication of notifications).
    sinks.push(storeAlertSink(await openStore(location), { clock: ctx.clock, ownsStore: true }));
  }
  if (!webhookTarget) return { sinks, throttle };
  const titles = new Map(ruleSet.rules.map((r) => [r.id, r.title]));
  const webhook = webhookNotifier(
    { ...webhookTarget, onError: (m) => ctx.stderr(`kubeward: warning: ${m}\n`) },
    (id) => titles.get(id) ?? id,
  );
  return { sinks, webhook, throttle };
}

function webhookTargetOf(
  text: string,
  headerFlags: readonly string[],
): { url: string; headers: Record<string, string> } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--webhook: not a URL: ${text}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UsageError('--webhook: expected an http(s) URL');
  const headers: Record<string, string> = {};
  for (const h of headerFlags) {
    const colon = h.indexOf(':');
    if (colon <= 0) throw new UsageError(`--webhook-header: expected name:value, got "${h}"`);
    headers[h.slice(0, colon).trim()] = h.slice(colon + 1).trim();
  }
  return { url: url.toString(), headers };
}

function makePipeline(
  ruleSet: RuleSet,
  outputs: Awaited<ReturnType<typeof buildOutputs>>,
  ctx: CliContext,
  source: string,
): AlertPipeline {
  const detector = createDetector(ruleSet, { now: () => ctx.clock.now().getTime() });
  const webhook = outputs.webhook;
  return createAlertPipeline({
    detector,
    sinks: outputs.sinks,
    source,
    ...(webhook ? { throttle: outputs.throttle, notify: (n) => webhook.notify(n) } : {}),
  });
}

/**
 * Long-running commands stop on SIGINT/SIGTERM after finishing the batch in hand, so the stored position is
 * exact. CliContext carries no signal, hence the process listeners here, removed when the command ends.
 */
function stopSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

async function finish(
  pipeline: AlertPipeline,
  outputs: Awaited<ReturnType<typeof buildOutputs>>,
  ctx: CliContext,
): Promise<void> {
  await outputs.webhook?.close();
  for (const s of outputs.sinks) await s.close();
  const { events, alerts, skipped, samples } = pipeline.stats;
  ctx.stderr(`kubeward: runtime: ${events} events, ${alerts} alerts, ${skipped} skipped\n`);
  if (skipped > 0)
    ctx.stderr(`kubeward: warning: skipped ${skipped} malformed records (first: ${samples[0] ?? '-'})\n`);
}

export function register(program: Command, ctx: CliContext): void {
  const runtime = program
    .command('runtime')
    .description('threat detection from Kubernetes audit events (files, AKS exports, the audit webhook)');

  addRuleOptions(
    runtime
      .command('analyze')
      .description('run audit log files (JSON lines, EventList, AKS kube-audit exports) through the rules')
      .argument('<files...>', 'audit log files'),
  )
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'jsonl']).default('text'),
    )
    .option('-o, --output <file>', 'write the result to a file instead of stdout')
    .addOption(
      new Option('--fail-on <priority>', 'exit 1 when an alert is at or above this priority').choices([
        ...SEVERITIES,
      ]),
    )
    .action(async (files: string[], flags: AnalyzeFlags) => {
      const ruleSet = await loadRules(flags, ctx);
      const detector = createDetector(ruleSet, { now: () => ctx.clock.now().getTime() });
      const result = await analyzeFiles(
        files.map((f) => resolve(ctx.cwd, f)),
        detector,
      );
      let text: string | string[];
      if (flags.format === 'json')
        text = `${JSON.stringify({ alerts: result.alerts, events: result.events, skipped: result.skipped }, null, 2)}\n`;
      else if (flags.format === 'jsonl') text = result.alerts.map((a) => `${JSON.stringify(a)}\n`);
      else text = result.alerts.length > 0 ? result.alerts.map(textLine) : ['no alerts\n'];
      await writeOutput(text, flags.output, ctx);
      if (result.skipped > 0)
        ctx.stderr(
          `kubeward: warning: skipped ${result.skipped} malformed records (first: ${result.skippedSamples[0] ?? '-'})\n`,
        );
      if (result.events === 0 && result.skipped > 0) ctx.setExitCode(EXIT.INPUT);
      const failOn = flags.failOn;
      if (failOn && isSeverity(failOn) && result.alerts.some((a) => atOrAbove(a.priority, failOn)))
        ctx.setExitCode(EXIT.FAILED);
    });

  addNotifyOptions(
    addRuleOptions(
      runtime
        .command('watch')
        .description(
          'follow a growing audit log across rotation and alert as events arrive; resumes where it stopped',
        )
        .argument('<file>', 'audit log file (JSON lines)'),
    ),
  )
    .option(
      '--state <file>',
      'where the read position is kept (default: .kubeward/runtime-watch-<hash>.json)',
    )
    .option('--from-end', 'on first run, skip what the file already holds')
    .option('--poll-ms <ms>', 'how often to check for new data and rotation', '250')
    .option('--until-eof', 'stop at the end of the data instead of waiting for more')
    .action(async (file: string, flags: WatchFlags) => {
      const ruleSet = await loadRules(flags, ctx);
      const path = resolve(ctx.cwd, file);
      const statePath = flags.state
        ? resolve(ctx.cwd, flags.state)
        : join(
            ctx.cwd,
            '.kubeward',
            `runtime-watch-${createHash('sha256').update(path).digest('hex').slice(0, 16)}.json`,
          );
      await mkdir(resolve(statePath, '..'), { recursive: true });
      const outputs = await buildOutputs(flags, ruleSet, ctx);
      const pipeline = makePipeline(ruleSet, outputs, ctx, file);
      const { signal, dispose } = stopSignal();
      try {
        await followFile(path, (lines) => pipeline.handleLines(lines), {
          store: filePositionStore(statePath),
          startAt: flags.fromEnd ? 'end' : 'start',
          pollMs: parsePositive(flags.pollMs, '--poll-ms'),
          signal,
          untilEof: flags.untilEof === true,
          onNotice: (m) => ctx.stderr(`kubeward: ${m}\n`),
        });
      } finally {
        dispose();
        await finish(pipeline, outputs, ctx);
      }
    });

  addNotifyOptions(
    addRuleOptions(
      runtime
        .command('serve')
        .description("HTTPS endpoint for the API server's audit webhook backend (POSTed EventList batches)"),
    ),
  )
    .requiredOption('--tls-cert <file>', 'PEM server certificate')
    .requiredOption('--tls-key <file>', 'PEM server key')
    .option('--client-ca <file>', 'require API server client certificates signed by this CA')
    .option('--token-file <file>', 'require this bearer token (from the webhook kubeconfig)')
    .option('--listen <host:port>', 'address to listen on', '0.0.0.0:8443')
    .option('--max-body-bytes <n>', 'largest accepted batch', String(DEFAULT_MAX_BODY_BYTES))
    .option(
      '--max-queued-events <n>',
      'events waiting before new batches get 429',
      String(DEFAULT_MAX_QUEUED_EVENTS),
    )
    .action(async (flags: ServeFlags) => {
      const ruleSet = await loadRules(flags, ctx);
      const m = /^(.*):(\d+)$/.exec(flags.listen);
      if (!m) throw new UsageError(`--listen: expected host:port, got "${flags.listen}"`);
      const read = async (file: string, flag: string): Promise<Buffer> => {
        try {
          return await readFile(resolve(ctx.cwd, file));
        } catch (error) {
          throw new ConfigError(
            `${flag} ${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? errorMessage(error)}`,
          );
        }
      };
      const token = flags.tokenFile
        ? (await read(flags.tokenFile, '--token-file')).toString('utf8').trim()
        : undefined;
      const cert = await read(flags.tlsCert, '--tls-cert');
      const key = await read(flags.tlsKey, '--tls-key');
      const clientCa = flags.clientCa ? await read(flags.clientCa, '--client-ca') : undefined;
      const maxBodyBytes = parsePositive(flags.maxBodyBytes, '--max-body-bytes');
      const maxQueuedEvents = parsePositive(flags.maxQueuedEvents, '--max-queued-events');
      const outputs = await buildOutputs(flags, ruleSet, ctx);
      const pipeline = makePipeline(ruleSet, outputs, ctx, 'intake');
      const intake = await startAuditIntake({
        cert,
        key,
        ...(clientCa ? { clientCa } : {}),
        ...(token ? { token } : {}),
        host: m[1]!.replace(/^\[|\]$/g, ''),
        port: Number(m[2]),
        maxBodyBytes,
        maxQueuedEvents,
        onEvents: (events) => pipeline.handleEvents(events),
        onSkip: (reason) => {
          pipeline.stats.skipped++;
          if (pipeline.stats.samples.length < 5) pipeline.stats.samples.push(`intake: ${reason}`);
        },
        onError: (error) => ctx.stderr(`kubeward: error: processing a batch: ${errorMessage(error)}\n`),
      });
      ctx.stderr(`kubeward: runtime: audit intake listening on ${intake.url}\n`);
      const { signal, dispose } = stopSignal();
      try {
        await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
      } finally {
        dispose();
        await intake.close();
        await finish(pipeline, outputs, ctx);
      }
    });

  addRuleOptions(runtime.command('rules').description('validate rules files and list the rules in effect'))
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (flags: RuleFlags & { format: 'text' | 'json' }) => {
      const ruleSet = await loadRules(flags, ctx);
      const rows = ruleSet.rules.map((r) => ({
        id: r.id,
        title: r.title,
        priority: r.priority,
        enabled: r.enabled,
        techniques: r.techniques,
        tags: r.tags,
        source: r.source,
        description: r.description,
        condition: r.conditionText,
        output: r.outputText,
        ...(r.threshold
          ? { threshold: { count: r.threshold.count, windowMs: r.threshold.windowMs, by: r.threshold.by } }
          : {}),
      }));
      if (flags.format === 'json') {
        await writeOutput(`${JSON.stringify({ rules: rows }, null, 2)}\n`, undefined, ctx);
        return;
      }
      const lines = rows.map(
        (r) =>
          `${r.enabled ? ' ' : '-'} ${r.id.padEnd(38)} ${r.priority.padEnd(8)} ${r.techniques.join(',').padEnd(22)} ${r.title}\n`,
      );
      await writeOutput(lines, undefined, ctx);
    });
}
