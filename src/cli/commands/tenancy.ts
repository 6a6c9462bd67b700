import { resolve } from 'node:path';
import { Option } from 'commander';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { ClusterInputFlags } from '../cluster-input.js';
import { addClusterInputOptions, loadStateForCli } from '../cluster-input.js';
import { writeOutput } from '../output.js';
import { loadConfig } from '../../scan/config.js';
import {
  buildTenancyReport,
  renderTenancyHtml,
  renderTenancyJson,
  renderTenancyTable,
} from '../../scan/tenancy-report.js';
import { visibleText } from '../../report/terminal-text.js';

export const TENANCY_FORMATS = ['table', 'json', 'html'] as const;
type TenancyFormat = (typeof TENANCY_FORMATS)[number];

interface ReportFlags extends ClusterInputFlags {
  format: TenancyFormat;
  output?: string;
  config?: string;
  namespace: string[];
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function register(program: Command, ctx: CliContext): void {
  const tenancy = program
    .command('tenancy')
    .description('tenant isolation: policies, RBAC and network reachability per namespace');

  const report = tenancy
    .command('report')
    .description(
      'per namespace: tenancy gaps, subjects from outside that can act in it or read its secrets, ' +
        'namespaces that can reach its pods, and a score 0-100',
    )
    .argument('[resources...]', 'manifest files or directories (instead of --snapshot or a live cluster)')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices([...TENANCY_FORMATS]).default('table'),
    )
    .option('-o, --output <file>', 'write to a file instead of stdout')
    .option(
      '-c, --config <file>',
      'kubeward.yaml with settings.untrustedNamespaces and sandboxRuntimeClasses',
    )
    .option('-n, --namespace <ns>', 'only this namespace (repeatable)', collect, []);
  addClusterInputOptions(report).action(async (resources: string[], flags: ReportFlags) => {
    const { config } = await loadConfig(flags.config && resolve(ctx.cwd, flags.config), ctx.cwd);
    const state = await loadStateForCli(flags, resources, ctx);
    const inputs =
      state.source.kind === 'files'
        ? state.source.files
        : [`${state.source.server} (context ${state.source.context})`];
    const result = buildTenancyReport(state.objects, {
      settings: config.settings,
      generatedAt: ctx.clock.now().toISOString(),
      inputs,
      ...(flags.namespace.length > 0 ? { namespaces: flags.namespace } : {}),
    });
    for (const p of result.problems)
      ctx.stderr(
        `kubeward: warning: ${visibleText(p.line ? `${p.file}:${p.line}` : p.file)}: ${visibleText(p.message)}\n`,
      );
    const text =
      flags.format === 'json'
        ? renderTenancyJson(result)
        : flags.format === 'html'
          ? renderTenancyHtml(result)
          : renderTenancyTable(result);
    await writeOutput(text, flags.output, ctx);
  });
}
