import { Option } from 'commander';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { writeOutput } from '../output.js';
import { UsageError } from '../../core/errors.js';
import type { Report } from '../../core/report.js';
import { isSeverity, atOrAbove, SEVERITIES } from '../../core/severity.js';
import { loadNetworkContext, loadNsg } from '../../scan/netpol.js';
import { TOOL_VERSION } from '../../scan/version.js';
import { FORMATTERS, formatReport } from '../../report/index.js';
import type { NsgAddress } from '../../checks/nsg/address.js';
import type { NsgDirection } from '../../checks/nsg/model.js';
import type { QueryProtocol } from '../../checks/nsg/evaluate.js';
import { QUERY_PROTOCOLS, evaluateNsgChain } from '../../checks/nsg/evaluate.js';
import { NSG_CHECKS, lintNsgs } from '../../checks/nsg/lint/index.js';
import { parseIp } from '../../checks/netpol/ip.js';
import { resolve } from 'node:path';

interface CheckFlags {
  nsg?: string;
  subnetNsg?: string;
  nicNsg?: string;
  network?: string;
  direction: NsgDirection;
  protocol: QueryProtocol;
  from: string;
  to: string;
  sourcePort?: number;
  port?: number;
  format: 'text' | 'json';
  output?: string;
}

const oneOfIgnoringCase =
  <T extends string>(name: string, allowed: readonly T[]) =>
  (value: string): T => {
    const found = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
    if (!found) throw new UsageError(`${name}: must be one of ${allowed.join(', ')}, got "${value}"`);
    return found;
  };

const portNumber = (name: string) => (value: string) => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) throw new UsageError(`${name}: must be 0-65535, got "${value}"`);
  return n;
};

function address(value: string, flag: string): NsgAddress {
  if (/^(internet|\*|any)$/i.test(value)) return { label: 'Internet' };
  const ip = parseIp(value.startsWith('ip:') ? value.slice(3) : value);
  if (!ip) throw new UsageError(`${flag}: expected an IP address or Internet, got "${value}"`);
  return { ip, label: value };
}

export function register(program: Command, ctx: CliContext): void {
  const nsg = program
    .command('nsg')
    .description('Azure network security groups: evaluate traffic, find risky rules');
  const at = (path: string) => resolve(ctx.cwd, path);

  nsg
    .command('check')
    .description('is this traffic allowed by the NSG(s), and which rule decides')
    .option('--nsg <file>', 'one NSG (az network nsg show -o json)')
    .option('--subnet-nsg <file>', 'the NSG on the subnet')
    .option('--nic-nsg <file>', 'the NSG on the NIC')
    .option(
      '--network <file>',
      'address context: {vnetAddressSpace, peeredAddressSpaces, onPremAddressSpaces, asgMembership, serviceTags}',
    )
    .requiredOption(
      '--direction <direction>',
      'Inbound or Outbound',
      oneOfIgnoringCase('--direction', ['Inbound', 'Outbound'] as const),
    )
    .requiredOption(
      '--protocol <protocol>',
      QUERY_PROTOCOLS.join('|'),
      oneOfIgnoringCase('--protocol', QUERY_PROTOCOLS),
    )
    .requiredOption('--from <address>', 'source IP address or Internet')
    .requiredOption('--to <address>', 'destination IP address (or Internet, outbound)')
    .option('--source-port <port>', 'source port (default: an arbitrary port)', portNumber('--source-port'))
    .option('--port <port>', 'destination port (default: an arbitrary port)', portNumber('--port'))
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('-o, --output <file>', 'write the answer to a file')
    .action(async (flags: CheckFlags) => {
      if (flags.nsg && (flags.subnetNsg || flags.nicNsg))
        throw new UsageError('--nsg: use either --nsg or --subnet-nsg/--nic-nsg, not both');
      if (!flags.nsg && !flags.subnetNsg && !flags.nicNsg)
        throw new UsageError('--nsg: give --nsg FILE, or --subnet-nsg FILE and/or --nic-nsg FILE');
      const placement = flags.nsg
        ? { subnet: await loadNsg(at(flags.nsg)) }
        : {
            ...(flags.subnetNsg ? { subnet: await loadNsg(at(flags.subnetNsg)) } : {}),
            ...(flags.nicNsg ? { nic: await loadNsg(at(flags.nicNsg)) } : {}),
          };
      const network = await loadNetworkContext(flags.network && at(flags.network));
      const decision = evaluateNsgChain(
        placement,
        {
          direction: flags.direction,
          protocol: flags.protocol,
          source: address(flags.from, '--from'),
          destination: address(flags.to, '--to'),
          ...(flags.sourcePort !== undefined ? { sourcePort: flags.sourcePort } : {}),
          ...(flags.port !== undefined ? { destinationPort: flags.port } : {}),
        },
        network,
      );
      for (const tag of decision.unresolvedTags)
        ctx.stderr(
          `kubeward: warning: service tag ${tag} is not in --network serviceTags; it matched nothing\n`,
        );
      const text =
        flags.format === 'json'
          ? JSON.stringify(
              { allowed: decision.allowed, rule: decision.rule?.name ?? null, nsg: decision.nsg.name },
              null,
              2,
            )
          : [
              `${decision.allowed ? 'ALLOWED' : 'DENIED'}: ${flags.direction} ${flags.protocol} ${flags.from} -> ${flags.to}${flags.port !== undefined ? `:${flags.port}` : ''}`,
              ...decision.steps.map(
                (s) =>
                  `  ${s.nsg.name}: ${s.allowed ? 'allow' : 'deny'} by ${s.rule ? `${s.rule.name} (priority ${s.rule.priority}${s.rule.isDefault ? ', default rule' : ''})` : 'no rule'}`,
              ),
              '',
            ].join('\n');
      await writeOutput(text, flags.output, ctx);
    });

  nsg
    .command('lint')
    .description(`find risky NSG rules (${NSG_CHECKS.keys().join(', ')})`)
    .argument('<files...>', 'NSG files (az network nsg show -o json)')
    .option('--network <file>', 'address context for service tags and ASGs')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(FORMATTERS.keys()).default('table'),
    )
    .option('-o, --output <file>', 'write the report to a file')
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices([
        ...SEVERITIES,
      ]),
    )
    .action(
      async (
        files: string[],
        flags: { network?: string; format: string; output?: string; failOn?: string },
      ) => {
        const nsgs = [];
        for (const file of files) nsgs.push(await loadNsg(at(file)));
        const findings = lintNsgs(nsgs, await loadNetworkContext(flags.network && at(flags.network)));
        const report: Report = {
          tool: { name: 'kubeward', version: TOOL_VERSION },
          generatedAt: ctx.clock.now().toISOString(),
          inputs: files,
          findings,
          rules: NSG_CHECKS.items.map(
            ({ id, severity, title, description, remediation, references, category }) => ({
              id,
              severity,
              title,
              description,
              remediation,
              references,
              category,
            }),
          ),
          problems: [],
          stats: { objects: nsgs.reduce((n, g) => n + g.rules.length, 0), files: files.length },
        };
        await writeOutput(
          formatReport(report, flags.format, { color: ctx.isTTY && !flags.output }),
          flags.output,
          ctx,
        );
        const failOn = flags.failOn;
        if (failOn && isSeverity(failOn) && findings.some((f) => atOrAbove(f.severity, failOn)))
          ctx.setExitCode(EXIT.FAILED);
      },
    );
}
