import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { writeOutput } from '../output.js';
import { InputError, UsageError } from '../../core/errors.js';
import { visibleText } from '../../report/terminal-text.js';
import {
  buildScorecard,
  readInputFile,
  readStore,
  renderScorecardHtml,
  renderScorecardJson,
} from '../../scorecard/index.js';
import type { SourceResult } from '../../scorecard/index.js';
import { isPostgresUrl, openStore } from '../../store/index.js';
import type { Store } from '../../store/index.js';

export const REPORT_FORMATS = ['html', 'json'] as const;

interface ReportFlags {
  store?: string;
  format: (typeof REPORT_FORMATS)[number];
  output?: string;
}

/**
 * Opens an existing store for reading. A SQLite path that does not exist is an input error rather than a new
 * empty store: a typo must not produce a scorecard that says "not assessed" everywhere.
 */
export async function openExistingStore(location: string, ctx: CliContext): Promise<Store> {
  if (isPostgresUrl(location)) return openStore(location);
  const path = resolve(ctx.cwd, location);
  if (!existsSync(path)) throw new InputError(`${location}: no such store file`);
  return openStore(path);
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('report')
    .description(
      'one scorecard over the nine areas (build, registry, cluster, node, isolation, network, workloads and ' +
        'admission, runtime, secrets) from the JSON outputs of other commands and/or the store',
    )
    .argument(
      '[files...]',
      'JSON outputs of scan, image scan, fs scan, cluster audit, secrets scan, nsg lint, tenancy report, ' +
        'runtime analyze, verify, netpol verify (kind detected from the content)',
    )
    .option(
      '--store <location>',
      'also read what serve and registry scans keep: SQLite path or postgres:// URL',
    )
    .addOption(
      new Option('-f, --format <format>', 'output format').choices([...REPORT_FORMATS]).default('html'),
    )
    .option('-o, --output <file>', 'write the scorecard to a file instead of stdout')
    .action(async (files: string[], flags: ReportFlags) => {
      if (files.length === 0 && !flags.store)
        throw new UsageError('give the JSON outputs of kubeward commands, or --store, or both');
      const sources: SourceResult[] = [];
      for (const file of files) sources.push(await readInputFile(resolve(ctx.cwd, file), file));
      if (flags.store) {
        const store = await openExistingStore(flags.store, ctx);
        try {
          sources.push(await readStore(store));
        } finally {
          await store.close();
        }
      }
      const card = buildScorecard(sources, ctx.clock.now().toISOString());
      for (const warning of card.warnings) ctx.stderr(`kubeward: warning: ${visibleText(warning)}\n`);
      const text = flags.format === 'json' ? renderScorecardJson(card) : renderScorecardHtml(card);
      // `-o -` is stdout (writeOutput); a file is relative to the working directory like every input.
      const output = flags.output && flags.output !== '-' ? resolve(ctx.cwd, flags.output) : flags.output;
      await writeOutput(text, output, ctx);
    });
}
