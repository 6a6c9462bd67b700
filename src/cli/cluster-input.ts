import type { Command } from 'commander';
import type { CliContext } from './context.js';
import type { ClusterState } from '../k8s/cluster-state.js';
import { loadClusterState } from '../k8s/cluster-state.js';
import { visibleText } from '../report/terminal-text.js';

/** Flags shared by every command that reads cluster state: a snapshot, a live cluster, or manifest paths. */
export interface ClusterInputFlags {
  snapshot?: string;
  kubeconfig?: string;
  context?: string;
}

export function addClusterInputOptions(command: Command): Command {
  return command
    .option(
      '--snapshot <file>',
      'read cluster state from a snapshot (kubeward snapshot, kubectl get -A -o yaml)',
    )
    .option('--kubeconfig <file>', 'read cluster state live through this kubeconfig')
    .option('--context <name>', 'kubeconfig context to use');
}

/** Load cluster state for a command; warnings (a resource the credentials may not list) go to stderr. */
export async function loadStateForCli(
  flags: ClusterInputFlags,
  paths: readonly string[],
  ctx: CliContext,
): Promise<ClusterState> {
  const state = await loadClusterState({
    ...(flags.snapshot ? { snapshot: flags.snapshot } : {}),
    paths,
    ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
    ...(flags.context ? { context: flags.context } : {}),
    env: ctx.env,
    readStdin: ctx.readStdin,
  });
  for (const w of state.warnings) {
    const at = w.line ? `${w.file}:${w.line}:${w.column ?? 1}` : w.file;
    ctx.stderr(`kubeward: warning: ${visibleText(at)}: ${visibleText(w.message)}\n`);
  }
  return state;
}
