import { Option } from 'commander';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { writeOutput, splitList } from '../output.js';
import { scanManifests } from '../../scan/scan-manifests.js';
import { loadConfig } from '../../scan/config.js';
import { FORMATTERS, formatReportChunks } from '../../report/index.js';
import { SEVERITIES, atOrAbove, isSeverity } from '../../core/severity.js';
import { UsageError } from '../../core/errors.js';
import { resolve } from 'node:path';

interface ScanFlags {
  format: string;
  output?: string;
  rules?: string;
  pssLevel?: 'privileged' | 'baseline' | 'restricted';
  pssVersion?: string;
  failOn?: string;
  config?: string;
  color: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('scan')
    .description(
      'scan Kubernetes manifests (files, directories, - for stdin) for Pod Security, practice, secret and tenancy findings',
    )
    .argument('[paths...]', 'files, directories (recursive *.yaml, *.yml, *.json) or - for stdin', ['.'])
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(FORMATTERS.keys()).default('table'),
    )
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .option(
      '--rules <globs>',
      'only rules whose id matches one of these comma-separated globs (e.g. "pss.*")',
    )
    .addOption(
      new Option('--pss-level <level>', 'Pod Security level').choices([
        'privileged',
        'baseline',
        'restricted',
      ]),
    )
    .option('--pss-version <version>', 'Pod Security policy version: v1.N or latest')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices([
        ...SEVERITIES,
      ]),
    )
    .option('-c, --config <file>', 'configuration file (default: ./kubeward.yaml when present)')
    .option('--no-color', 'no ANSI colours in table output')
    .action(async (paths: string[], flags: ScanFlags) => {
      const { config, path: configPath } = await loadConfig(
        flags.config && resolve(ctx.cwd, flags.config),
        ctx.cwd,
      );
      if (flags.pssVersion && !/^(latest|v1\.\d+)$/.test(flags.pssVersion))
        throw new UsageError(`--pss-version: expected "latest" or v1.N, got "${flags.pssVersion}"`);
      const report = await scanManifests(paths, {
        rules: splitList(flags.rules),
        ...(flags.pssLevel ? { pssLevel: flags.pssLevel } : {}),
        ...(flags.pssVersion ? { pssVersion: flags.pssVersion } : {}),
        config,
        ...(configPath ? { configPath } : {}),
        clock: ctx.clock,
        readStdin: ctx.readStdin,
      });
      const text = formatReportChunks(report, flags.format, {
        color: flags.color && ctx.isTTY && !flags.output,
        baseDir: ctx.cwd,
      });
      await writeOutput(text, flags.output, ctx);
      for (const problem of report.problems) {
        const at = problem.line ? `${problem.file}:${problem.line}:${problem.column ?? 1}` : problem.file;
        if (flags.format !== 'table' || flags.output)
          ctx.stderr(`kubeward: warning: ${at}: ${problem.message}\n`);
      }
      if (report.stats.objects === 0 && report.problems.length > 0) ctx.setExitCode(EXIT.INPUT);
      const failOn = flags.failOn ?? config.failOn;
      if (failOn && isSeverity(failOn) && report.findings.some((f) => atOrAbove(f.severity, failOn)))
        ctx.setExitCode(EXIT.FAILED);
    });
}
