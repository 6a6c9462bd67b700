// `kubeward db update|status|export|import`: the local OSV vulnerability database.
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { ConfigError, UsageError } from '../../core/errors.js';
import { loadConfig } from '../../scan/config.js';
import { type VulndbSettings, defaultDbPath, vulndbSettingsSchema } from '../../vulndb/sources.js';
import { VulnStore, importDatabaseFile } from '../../vulndb/store.js';
import { type UpdateResult, updateDatabase } from '../../vulndb/update.js';
import { ageInDays } from '../../detect/report.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

interface DbFlags {
  db?: string;
  config?: string;
}

/**
 * The `vulndb:` section of the configuration, with defaults. Read leniently: until the configuration schema
 * lists the section, a kubeward.yaml without it simply gives the defaults.
 */
export async function vulndbSettingsOf(
  configFlag: string | undefined,
  ctx: CliContext,
): Promise<VulndbSettings & { path: string }> {
  const { config } = await loadConfig(configFlag && resolve(ctx.cwd, configFlag), ctx.cwd);
  const section = (config as Record<string, unknown>)['vulndb'] ?? {};
  const parsed = vulndbSettingsSchema.safeParse(section);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`vulndb.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  return {
    ...parsed.data,
    path: parsed.data.path ? resolve(ctx.cwd, parsed.data.path) : defaultDbPath(ctx.env),
  };
}

async function dbPathOf(
  flags: DbFlags,
  ctx: CliContext,
): Promise<{ path: string; settings: VulndbSettings }> {
  const settings = await vulndbSettingsOf(flags.config, ctx);
  return { path: flags.db ? resolve(ctx.cwd, flags.db) : settings.path, settings };
}

export function register(program: Command, ctx: CliContext): void {
  const db = program.command('db').description('the local vulnerability database (OSV records in SQLite)');
  const dbOptions = (command: Command): Command =>
    command
      .option(
        '--db <file>',
        'database file (default $KUBEWARD_DB, else vulndb.sqlite in the cache directory)',
      )
      .option('-c, --config <file>', 'configuration file (default: ./kubeward.yaml when present)');

  dbOptions(
    db
      .command('update')
      .description('import OSV records from all.zip dumps (URLs), local zips or directories of JSON files')
      .option(
        '--source <url|file|dir>',
        'a source (repeatable; default: the list in the configuration)',
        collect,
        [],
      )
      .option('--rebuild', 'start from an empty database instead of updating the current one'),
  ).action(async (flags: DbFlags & { source: string[]; rebuild?: boolean }) => {
    const { path, settings } = await dbPathOf(flags, ctx);
    const result = await updateDatabase({
      dbPath: path,
      sources: flags.source.length > 0 ? flags.source : settings.sources,
      cwd: ctx.cwd,
      clock: ctx.clock,
      rebuild: flags.rebuild ?? false,
      onProgress: (message) => ctx.stderr(`${message}\n`),
    });
    ctx.stdout(describeUpdate(result));
    for (const problem of result.problems) ctx.stderr(`kubeward: warning: skipped: ${problem}\n`);
    if (result.sources.some((s) => s.status === 'failed')) ctx.setExitCode(EXIT.INPUT);
  });

  dbOptions(
    db
      .command('status')
      .description('sources, record counts, last update and age of the database')
      .addOption(
        new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'),
      )
      .option('--max-age-days <n>', 'warn when the last update is older (default from the configuration: 7)'),
  ).action(async (flags: DbFlags & { format: string; maxAgeDays?: string }) => {
    const { path, settings } = await dbPathOf(flags, ctx);
    const maxAge = flags.maxAgeDays !== undefined ? Number(flags.maxAgeDays) : settings.maxAgeDays;
    if (!Number.isInteger(maxAge) || maxAge <= 0)
      throw new UsageError('--max-age-days: expected a positive whole number');
    const store = VulnStore.open(path);
    try {
      const status = store.status();
      const ageDays = ageInDays(status.builtAt, ctx.clock);
      const stale = ageDays === undefined || ageDays > maxAge;
      if (flags.format === 'json') {
        ctx.stdout(
          `${JSON.stringify({ ...status, ...(ageDays !== undefined ? { ageDays } : {}), maxAgeDays: maxAge, stale }, null, 2)}\n`,
        );
      } else {
        const lines = [
          `database: ${status.path} (${(status.bytes / 1024 / 1024).toFixed(1)} MiB, ${status.records} records)`,
          `last update: ${status.builtAt ?? 'never'}${ageDays !== undefined ? ` (${ageDays} days ago)` : ''}`,
          'sources:',
          ...status.sources.map(
            (s) =>
              `  ${s.location}: ${s.records} records, ${s.withdrawn} withdrawn skipped, updated ${s.updatedAt ?? 'never'}, checked ${s.checkedAt ?? 'never'}`,
          ),
          'ecosystems:',
          ...status.ecosystems.map((e) => `  ${e.ecosystem}: ${e.records}`),
        ];
        ctx.stdout(`${lines.join('\n')}\n`);
      }
      if (stale)
        ctx.stderr(
          `kubeward: warning: the vulnerability database is older than ${maxAge} days; run "kubeward db update"\n`,
        );
    } finally {
      store.close();
    }
  });

  dbOptions(
    db
      .command('export')
      .description('write the database to one file (for an air-gapped network)')
      .argument('<file>', 'output file'),
  ).action(async (file: string, flags: DbFlags) => {
    const { path } = await dbPathOf(flags, ctx);
    const store = VulnStore.open(path);
    try {
      store.exportTo(resolve(ctx.cwd, file));
    } finally {
      store.close();
    }
    ctx.stdout(`exported ${path} to ${resolve(ctx.cwd, file)}\n`);
  });

  dbOptions(
    db
      .command('import')
      .description('install a database file made by "db export"')
      .argument('<file>', 'database file'),
  ).action(async (file: string, flags: DbFlags) => {
    const { path } = await dbPathOf(flags, ctx);
    importDatabaseFile(resolve(ctx.cwd, file), path);
    ctx.stdout(`installed ${resolve(ctx.cwd, file)} as ${path}\n`);
  });
}

function describeUpdate(result: UpdateResult): string {
  const lines = result.sources.map((s) => {
    if (s.status === 'failed') return `failed        ${s.location}: ${s.error ?? 'unknown error'}`;
    if (s.status === 'not-modified') return `not modified  ${s.location}`;
    if (s.status === 'not-found') return `not published ${s.location}`;
    const c = s.counts;
    return c
      ? `imported      ${s.location}: ${c.read} read, ${c.added} added, ${c.updated} updated, ${c.unchanged} unchanged, ${c.removed} removed, ${c.withdrawn} withdrawn, ${c.invalid} invalid`
      : `imported      ${s.location}`;
  });
  lines.push(
    result.committed
      ? `database ${result.dbPath} updated`
      : `nothing imported; ${result.dbPath} left as it was`,
  );
  return `${lines.join('\n')}\n`;
}
