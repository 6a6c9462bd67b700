import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { parsePlatform } from '../../image/platform.js';
import { sbomFromImage, sbomFormatters } from '../../inventory/index.js';
import { TOOL_VERSION } from '../../scan/version.js';
import type { CliContext } from '../context.js';
import { registerImageScan } from './vuln.js';
import { registerImageOrigin } from './image-origin.js';
import { writeOutput } from '../output.js';

interface ImageSbomFlags {
  platform?: string;
  format: string;
  output?: string;
  username?: string;
  password?: string;
  passwordStdin?: boolean;
  caFile?: string;
  insecure?: boolean;
  cacheDir?: string;
  cache: boolean;
}

/** `kubeward image sbom REF`: list every package in an image from a registry, an OCI layout or an archive. */
export function register(program: Command, ctx: CliContext): void {
  const image = program
    .command('image')
    .description('container images: inventory and SBOM, vulnerabilities, the grace-period gate');
  registerImageScan(image, ctx);
  registerImageOrigin(image, ctx);
  image
    .command('sbom')
    .description(
      'list the packages in an image (registry ref, oci:DIR[:tag], oci-archive:FILE, docker-archive:FILE)',
    )
    .argument('<ref>', 'image reference or source')
    .option(
      '--platform <os/arch[/variant]>',
      'platform to pick from a multi-platform index (default linux/amd64)',
    )
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(sbomFormatters.keys()).default('table'),
    )
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option('--username <name>', 'registry user (default: from the Docker config file)')
    .option('--password <password>', 'registry password or token (prefer --password-stdin)')
    .option('--password-stdin', 'read the registry password from standard input')
    .option('--ca-file <pem>', 'extra CA certificates to trust for the registry')
    .option('--insecure', 'talk plain HTTP to the registry')
    .option('--cache-dir <dir>', 'layer cache directory (default $KUBEWARD_CACHE_DIR or ~/.cache/kubeward)')
    .option('--no-cache', 'do not read or write the layer cache')
    .action(async (ref: string, flags: ImageSbomFlags) => {
      const password = flags.passwordStdin ? (await ctx.readStdin()).replace(/\r?\n$/, '') : flags.password;
      if ((flags.username === undefined) !== (password === undefined)) {
        throw new UsageError('--username and --password (or --password-stdin) go together');
      }
      const { inventory, text } = await sbomFromImage(ref, {
        format: flags.format,
        clock: ctx.clock,
        toolVersion: TOOL_VERSION,
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
      });
      for (const warning of inventory.warnings) ctx.stderr(`warning: ${warning}\n`);
      await writeOutput(text, flags.output, ctx);
    });
}
