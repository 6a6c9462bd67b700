import { Option } from 'commander';
import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { writeOutput } from '../output.js';
import { SEVERITIES, atOrAbove, isSeverity } from '../../core/severity.js';
import { UsageError } from '../../core/errors.js';
import { FORMATTERS, formatReportChunks } from '../../report/index.js';
import type { AllowList } from '../../scan/secrets-scan.js';
import { loadAllowList, scanSecrets } from '../../scan/secrets-scan.js';

interface SecretsFlags {
  gitHistory?: boolean;
  allow?: string;
  allowPath: string[];
  snapshot?: string;
  entropy?: string;
  maxFileSize?: string;
  format: string;
  output?: string;
  failOn?: string;
  color: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function register(program: Command, ctx: CliContext): void {
  const secrets = program.command('secrets').description('secrets hygiene of repositories');
  secrets
    .command('scan')
    .description('find committed secrets (values are always redacted in every output)')
    .argument('[path]', 'directory or file to scan', '.')
    .option('--git-history', 'also scan every blob reachable from any commit of the git repository')
    .option('--allow <file>', 'allow-list: YAML/JSON {paths: [globs], fingerprints: [...]}')
    .option('--allow-path <glob>', 'skip paths matching this glob (repeatable)', collect, [])
    .option('--snapshot <file>', 'cluster state for the "who can read Secrets" section')
    .option('--entropy <bits>', 'Shannon entropy threshold of generic assignments (default 3.5)')
    .option('--max-file-size <bytes>', 'skip files larger than this (default 5 MiB)')
    .addOption(
      new Option('-f, --format <format>', 'output format')
        .choices(FORMATTERS.keys().filter((k) => ['table', 'json', 'sarif', 'html'].includes(k)))
        .default('table'),
    )
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices([
        ...SEVERITIES,
      ]),
    )
    .option('--no-color', 'no ANSI colours in table output')
    .action(async (path: string, flags: SecretsFlags) => {
      const entropy = flags.entropy === undefined ? undefined : Number(flags.entropy);
      if (entropy !== undefined && !(entropy >= 0 && entropy <= 8))
        throw new UsageError(`--entropy: expected a number from 0 to 8, got "${flags.entropy}"`);
      const maxBytes = flags.maxFileSize === undefined ? undefined : Number(flags.maxFileSize);
      if (maxBytes !== undefined && !(Number.isInteger(maxBytes) && maxBytes > 0))
        throw new UsageError(`--max-file-size: expected a positive integer, got "${flags.maxFileSize}"`);
      const fromFile: AllowList = flags.allow
        ? await loadAllowList(resolve(ctx.cwd, flags.allow))
        : { paths: [], fingerprints: [] };
      const report = await scanSecrets(resolve(ctx.cwd, path), {
        clock: ctx.clock,
        ...(flags.gitHistory ? { gitHistory: true } : {}),
        allow: { paths: [...fromFile.paths, ...flags.allowPath], fingerprints: fromFile.fingerprints },
        ...(flags.snapshot ? { snapshot: resolve(ctx.cwd, flags.snapshot) } : {}),
        ...(entropy !== undefined ? { detector: { entropyThreshold: entropy } } : {}),
        ...(maxBytes !== undefined ? { maxFileBytes: maxBytes } : {}),
      });
      // Paths in the report are relative to the scanned root already.
      await writeOutput(
        formatReportChunks(report, flags.format, { color: flags.color && ctx.isTTY && !flags.output }),
        flags.output,
        ctx,
      );
      for (const problem of report.problems)
        ctx.stderr(`kubeward: warning: ${problem.file}: ${problem.message}\n`);
      const failOn = flags.failOn;
      if (failOn && isSeverity(failOn) && report.findings.some((f) => atOrAbove(f.severity, failOn)))
        ctx.setExitCode(EXIT.FAILED);
    });
}
