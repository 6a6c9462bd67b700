import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { writeOutput } from '../output.js';
import { UsageError } from '../../core/errors.js';
import { visibleText } from '../../report/terminal-text.js';
import { readCluster } from '../../k8s/live/read-cluster.js';
import { snapshotDocument } from '../../k8s/live/snapshot.js';

interface SnapshotFlags {
  output?: string;
  kubeconfig?: string;
  context?: string;
  pageSize: string;
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('snapshot')
    .description(
      'list a live cluster into one JSON file (kind: List) that every command takes as --snapshot; secret values are never written',
    )
    .option('-o, --output <file>', 'file to write (default: stdout)')
    .option('--kubeconfig <file>', 'kubeconfig (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context to use')
    .option('--page-size <n>', 'items per list request', '500')
    .action(async (flags: SnapshotFlags) => {
      const pageSize = Number(flags.pageSize);
      if (!Number.isInteger(pageSize) || pageSize < 1)
        throw new UsageError(`--page-size: expected a positive integer, got "${flags.pageSize}"`);
      const state = await readCluster({
        ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
        ...(flags.context ? { context: flags.context } : {}),
        env: ctx.env,
        pageSize,
      });
      for (const warning of state.warnings)
        ctx.stderr(`kubeward: warning: ${visibleText(state.server)}: ${visibleText(warning)}\n`);
      const document = snapshotDocument(state.items, {
        server: state.server,
        context: state.context,
        takenAt: ctx.clock.now().toISOString(),
        warnings: state.warnings,
      });
      await writeOutput(`${JSON.stringify(document, null, 2)}\n`, flags.output, ctx);
      if (flags.output)
        ctx.stderr(
          `kubeward: wrote ${state.items.length} objects from ${visibleText(state.server)} to ${flags.output}\n`,
        );
    });
}
