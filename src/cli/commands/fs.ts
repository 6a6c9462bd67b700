import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { sbomFromDirectory, sbomFormatters } from '../../inventory/index.js';
import { TOOL_VERSION } from '../../scan/version.js';
import type { CliContext } from '../context.js';
import { registerFsScan } from './vuln.js';
import { writeOutput } from '../output.js';

interface FsSbomFlags {
  format: string;
  output?: string;
}

/** `kubeward fs sbom DIR`: the same analyzers as for images, over a source checkout or an unpacked root. */
export function register(program: Command, ctx: CliContext): void {
  const fs = program.command('fs').description('directories: inventory and SBOM, vulnerabilities');
  registerFsScan(fs, ctx);
  fs.command('sbom')
    .description('list the packages in a directory (lockfiles, package databases, installed packages)')
    .argument('<dir>', 'directory to scan')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(sbomFormatters.keys()).default('table'),
    )
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .action(async (dir: string, flags: FsSbomFlags) => {
      const { inventory, text } = await sbomFromDirectory(resolve(ctx.cwd, dir), {
        format: flags.format,
        clock: ctx.clock,
        toolVersion: TOOL_VERSION,
      });
      for (const warning of inventory.warnings) ctx.stderr(`warning: ${warning}\n`);
      await writeOutput(text, flags.output, ctx);
    });
}
