import { Option } from 'commander';
import type { Command } from 'commander';
import { resolve } from 'node:path';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { splitList, writeOutput } from '../output.js';
import { SEVERITIES, atOrAbove, isSeverity } from '../../core/severity.js';
import { UsageError } from '../../core/errors.js';
import { FORMATTERS, formatReportChunks } from '../../report/index.js';
import { auditCluster } from '../../scan/cluster-audit.js';

interface AuditFlags {
  aks?: string;
  nodepools?: string;
  kubelet?: string;
  apiserver?: string;
  encryptionConfig?: string;
  supportedVersions?: string;
  format: string;
  output?: string;
  failOn?: string;
  color: boolean;
}

export function register(program: Command, ctx: CliContext): void {
  const cluster = program
    .command('cluster')
    .description('audit cluster, node and control plane configuration');
  cluster
    .command('audit')
    .description(
      'audit an AKS cluster (az aks show / ARM), kubelet config, kube-apiserver flags, encryption config',
    )
    .option('--aks <file>', 'az aks show -o json output, or an ARM resource or template')
    .option('--nodepools <file>', 'az aks nodepool list -o json output (or agentPools ARM resources)')
    .option('--kubelet <file>', 'KubeletConfiguration YAML or /configz JSON')
    .option('--apiserver <file>', 'kube-apiserver static pod manifest')
    .option('--encryption-config <file>', 'EncryptionConfiguration file')
    .option('--supported-versions <minors>', 'comma-separated supported Kubernetes minors, e.g. 1.33,1.34')
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
    .action(async (flags: AuditFlags) => {
      const at = (file: string | undefined) => (file ? resolve(ctx.cwd, file) : undefined);
      const minors = splitList(flags.supportedVersions);
      const bad = minors.find((m) => !/^\d+\.\d+$/.test(m));
      if (bad !== undefined) throw new UsageError(`--supported-versions: expected MAJOR.MINOR, got "${bad}"`);
      const files = {
        aks: at(flags.aks),
        nodepools: at(flags.nodepools),
        kubelet: at(flags.kubelet),
        apiserver: at(flags.apiserver),
        encryptionConfig: at(flags.encryptionConfig),
      };
      const report = await auditCluster({
        ...Object.fromEntries(Object.entries(files).filter(([, v]) => v !== undefined)),
        ...(minors.length > 0 ? { supportedMinors: minors } : {}),
        clock: ctx.clock,
      });
      await writeOutput(
        formatReportChunks(report, flags.format, {
          color: flags.color && ctx.isTTY && !flags.output,
          baseDir: ctx.cwd,
        }),
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
