import { Option } from 'commander';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { ClusterInputFlags } from '../cluster-input.js';
import { addClusterInputOptions, loadStateForCli } from '../cluster-input.js';
import { EXIT } from '../exit-codes.js';
import { splitList, writeOutput } from '../output.js';
import { UsageError } from '../../core/errors.js';
import { clusterFromObjects, loadNetworkContext, loadNsg, loadExpectations } from '../../scan/netpol.js';
import type { LoadedCluster } from '../../scan/netpol.js';
import type { Protocol } from '../../checks/netpol/model.js';
import { PROTOCOLS } from '../../checks/netpol/model.js';
import { answerQuery } from '../../checks/netpol/query.js';
import type { Connection, SideVerdict } from '../../checks/netpol/evaluate.js';
import { explainSide } from '../../checks/netpol/explain.js';
import { endpointLabel, resolveEndpoint } from '../../checks/netpol/endpoint.js';
import { computeMatrix } from '../../checks/netpol/matrix.js';
import type { MatrixPort } from '../../checks/netpol/matrix.js';
import { renderMatrixTable } from '../../checks/netpol/render/matrix-table.js';
import { renderMatrixJson } from '../../checks/netpol/render/matrix-json.js';
import { renderMatrixHtml } from '../../checks/netpol/render/matrix-html.js';
import { renderMatrixDot, renderMatrixMermaid } from '../../checks/netpol/render/matrix-graph.js';
import { verifyExpectations } from '../../checks/netpol/verify.js';
import { evaluateCombined } from '../../checks/netpol/combined.js';
import type { CombinedVerdict } from '../../checks/netpol/combined.js';
import { parseIp } from '../../checks/netpol/ip.js';
import { policyRef } from '../../checks/netpol/model.js';
import { resolve } from 'node:path';

const RESOURCES_HELP = 'manifests, kubectl get -o yaml Lists or snapshots: files, directories or - for stdin';
const MATRIX_FORMATS = ['table', 'json', 'html', 'dot', 'mermaid'] as const;

interface CheckFlags extends ClusterInputFlags {
  from: string;
  to: string;
  port: string;
  protocol: Protocol;
  format: 'text' | 'json';
  output?: string;
  allowLoopback?: boolean;
  nsg?: string;
  subnetNsg?: string;
  nicNsg?: string;
  network?: string;
  nodeIp?: string;
}

export function register(program: Command, ctx: CliContext): void {
  const netpol = program
    .command('netpol')
    .description(
      'NetworkPolicy reachability: explain one connection, draw the matrix, verify expectations in CI',
    );
  const at = (path: string) => resolve(ctx.cwd, path);
  // Resources, a snapshot or a live cluster (--kubeconfig), read the same way as every cluster command.
  const load = async (resources: string[], flags: ClusterInputFlags): Promise<LoadedCluster> => {
    const state = await loadStateForCli(
      flags,
      resources.map((r) => (r === '-' ? r : at(r))),
      ctx,
    );
    return clusterFromObjects(state.objects, state.warnings, resources);
  };

  addClusterInputOptions(netpol.command('check'))
    .description(
      'is traffic FROM -> TO on PORT allowed, and which policy rules decide (with --nsg: NSG, Service, policy)',
    )
    .argument('[resources...]', RESOURCES_HELP)
    .requiredOption('--from <peer>', 'NAMESPACE/POD, ip:ADDRESS or Internet')
    .requiredOption('--to <peer>', 'NAMESPACE/POD or ip:ADDRESS')
    .requiredOption('--port <port>', 'destination port number (or a port name of the destination pod)')
    .addOption(new Option('--protocol <protocol>', 'protocol').choices([...PROTOCOLS]).default('TCP'))
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('-o, --output <file>', 'write the answer to a file')
    .option(
      '--allow-loopback',
      'always allow a pod reaching itself (CNIs that never filter loopback); default: policy decides',
    )
    .option('--nsg <file>', 'Azure NSG in front of the cluster (az network nsg show -o json)')
    .option('--subnet-nsg <file>', 'NSG on the node subnet')
    .option('--nic-nsg <file>', 'NSG on the node NICs')
    .option('--network <file>', 'address context for NSG service tags and ASGs')
    .option(
      '--node-ip <ips>',
      'comma-separated node addresses (NodePort targets, SNAT source) when the input has no Node objects',
    )
    .action(async (resources: string[], flags: CheckFlags) => {
      const { evaluator } = await load(resources, flags);
      const port = /^\d+$/.test(flags.port) ? Number(flags.port) : flags.port;
      if (typeof port === 'number' && (port < 1 || port > 65535))
        throw new UsageError(`--port: must be 1-65535, got ${flags.port}`);
      const withNsg = Boolean(flags.nsg || flags.subnetNsg || flags.nicNsg);
      if (flags.nsg && (flags.subnetNsg || flags.nicNsg))
        throw new UsageError('--nsg: use either --nsg or --subnet-nsg/--nic-nsg, not both');
      const from = resolveEndpoint(evaluator.cluster, flags.from);
      if (!from.ok) throw new UsageError(`--from: ${from.message}`);
      if (withNsg) {
        if (from.endpoint.kind !== 'external')
          throw new UsageError(
            '--from: with --nsg the source must be Internet or ip:ADDRESS outside the cluster',
          );
        const to = resolveEndpoint(evaluator.cluster, flags.to);
        if (!to.ok) throw new UsageError(`--to: ${to.message}`);
        if (to.endpoint.kind !== 'pod')
          throw new UsageError('--to: with --nsg the destination must be NAMESPACE/POD');
        const pod = to.endpoint.pod;
        const numeric =
          typeof port === 'number'
            ? port
            : pod.ports.find((p) => p.name === port && p.protocol === flags.protocol)?.port;
        if (numeric === undefined)
          throw new UsageError(`--port: pod ${flags.to} has no ${flags.protocol} port named "${port}"`);
        const nodeIps = splitList(flags.nodeIp).map((text) => {
          const ip = parseIp(text);
          if (!ip) throw new UsageError(`--node-ip: not an IP address: "${text}"`);
          return { ip, text };
        });
        const nsgs = flags.nsg
          ? { subnet: await loadNsg(at(flags.nsg)) }
          : {
              ...(flags.subnetNsg ? { subnet: await loadNsg(at(flags.subnetNsg)) } : {}),
              ...(flags.nicNsg ? { nic: await loadNsg(at(flags.nicNsg)) } : {}),
            };
        const verdict = evaluateCombined(evaluator, {
          from: from.endpoint,
          to: pod,
          port: numeric,
          protocol: flags.protocol,
          nsgs,
          network: await loadNetworkContext(flags.network && at(flags.network)),
          ...(nodeIps.length > 0 ? { nodeIps } : {}),
        });
        const text =
          flags.format === 'json'
            ? JSON.stringify(combinedJson(verdict, flags.from, flags.to, numeric, flags.protocol), null, 2)
            : `${verdict.allowed ? 'ALLOWED' : 'DENIED'}: ${flags.from} -> ${flags.to} ${flags.protocol}/${numeric}\n  ${verdict.reason}\n`;
        await writeOutput(text, flags.output, ctx);
        return;
      }
      const answer = answerQuery(
        evaluator,
        { from: flags.from, to: flags.to, port, protocol: flags.protocol },
        { allowLoopback: Boolean(flags.allowLoopback) },
      );
      if (!answer.ok) throw new UsageError(`--${answer.field}: ${answer.message}`);
      const { verdict, connection } = answer;
      const text =
        flags.format === 'json'
          ? JSON.stringify(
              {
                allowed: verdict.allowed,
                from: endpointLabel(connection.from),
                to: endpointLabel(connection.to),
                port: connection.port,
                protocol: connection.protocol,
                loopback: verdict.loopback,
                egress: sideJson(verdict.egress, 'egress', connection),
                ingress: sideJson(verdict.ingress, 'ingress', connection),
                reason: answer.reason,
              },
              null,
              2,
            )
          : [
              `${verdict.allowed ? 'ALLOWED' : 'DENIED'}: ${endpointLabel(connection.from)} -> ${endpointLabel(connection.to)} ${connection.protocol}/${connection.port}`,
              ...(verdict.loopback
                ? [`  ${answer.reason}`]
                : [
                    `  ${explainSide(verdict.egress, 'egress', connection)}`,
                    `  ${explainSide(verdict.ingress, 'ingress', connection)}`,
                  ]),
              '',
            ].join('\n');
      await writeOutput(text, flags.output, ctx);
    });

  addClusterInputOptions(netpol.command('matrix'))
    .description('reachability of every pod class to every pod class on every port')
    .argument('[resources...]', RESOURCES_HELP)
    .addOption(
      new Option('-f, --format <format>', 'output format').choices([...MATRIX_FORMATS]).default('table'),
    )
    .option('-o, --output <file>', 'write the matrix to a file')
    .option(
      '--ports <list>',
      'ports to test, e.g. 80,443,53/UDP (default: every container port in the input)',
    )
    .action(
      async (
        resources: string[],
        flags: {
          format: (typeof MATRIX_FORMATS)[number];
          output?: string;
          ports?: string;
        } & ClusterInputFlags,
      ) => {
        const { evaluator } = await load(resources, flags);
        const matrix = computeMatrix(evaluator, flags.ports ? parsePorts(flags.ports) : undefined);
        const render = {
          table: renderMatrixTable,
          json: renderMatrixJson,
          html: (m: typeof matrix) => renderMatrixHtml(m),
          dot: renderMatrixDot,
          mermaid: renderMatrixMermaid,
        }[flags.format];
        await writeOutput(render(matrix), flags.output, ctx);
      },
    );

  addClusterInputOptions(netpol.command('verify'))
    .description('check expected connectivity (allow/deny) against the policies; exit 1 on any mismatch')
    .argument('[resources...]', RESOURCES_HELP)
    .requiredOption('--expect <file>', 'YAML or JSON {expectations: [{from, to, port, protocol, expect}]}')
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .option('-o, --output <file>', 'write the results to a file')
    .option(
      '--allow-loopback',
      'always allow a pod reaching itself (CNIs that never filter loopback); default: policy decides',
    )
    .action(
      async (
        resources: string[],
        flags: {
          expect: string;
          format: 'table' | 'json';
          output?: string;
          allowLoopback?: boolean;
        } & ClusterInputFlags,
      ) => {
        const expectations = await loadExpectations(at(flags.expect));
        const { evaluator } = await load(resources, flags);
        const results = verifyExpectations(evaluator, expectations, flags.expect, {
          allowLoopback: Boolean(flags.allowLoopback),
        });
        const mismatches = results.filter((r) => r.expect !== r.actual);
        const text =
          flags.format === 'json'
            ? JSON.stringify({ results }, null, 2)
            : [
                ...results.map(
                  (r) =>
                    `${r.expect === r.actual ? 'ok      ' : 'MISMATCH'} ${r.from} -> ${r.to} ${r.protocol}/${r.port}: expected ${r.expect}, got ${r.actual}${r.expect === r.actual ? '' : `: ${r.reason}`}`,
                ),
                `${results.length - mismatches.length} of ${results.length} expectations hold`,
                '',
              ].join('\n');
        await writeOutput(text, flags.output, ctx);
        if (mismatches.length > 0) ctx.setExitCode(EXIT.FAILED);
      },
    );
}

function parsePorts(text: string): MatrixPort[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((item) => {
      const m = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/i.exec(item);
      const port = Number(m?.[1]);
      if (!m || port < 1 || port > 65535)
        throw new UsageError(`--ports: expected PORT or PORT/PROTOCOL, got "${item}"`);
      return { port, protocol: (m[2]?.toUpperCase() ?? 'TCP') as Protocol };
    });
}

function sideJson(side: SideVerdict, direction: 'egress' | 'ingress', connection: Connection) {
  return {
    verdict: side.kind,
    isolatedBy: side.kind === 'allowed' || side.kind === 'denied' ? side.isolatedBy.map(policyRef) : [],
    allowedBy:
      side.kind === 'allowed'
        ? side.matches.map((m) => ({ policy: policyRef(m.policy), rule: `${direction}[${m.rule.index}]` }))
        : [],
    reason: explainSide(side, direction, connection),
  };
}

function combinedJson(verdict: CombinedVerdict, from: string, to: string, port: number, protocol: Protocol) {
  const d = verdict.deciding;
  return {
    allowed: verdict.allowed,
    from,
    to,
    port,
    protocol,
    reason: verdict.reason,
    nsg: d?.nsg
      ? { allowed: d.nsg.allowed, rule: d.nsg.rule?.name ?? null, nsg: d.nsg.nsg.name, entry: d.entry }
      : null,
    service: d
      ? {
          name: `${d.exposure.service.metadata.namespace ?? 'default'}/${d.exposure.service.metadata.name}`,
          type: d.exposure.type,
          port: d.exposure.servicePort,
          nodePort: d.exposure.nodePort ?? null,
          externalTrafficPolicy: d.exposure.externalTrafficPolicy,
          allowed: d.service.allowed,
        }
      : null,
    ingress: d
      ? {
          verdict: d.ingress.kind,
          source: endpointLabel(d.podSource),
          allowedBy:
            d.ingress.kind === 'allowed'
              ? d.ingress.matches.map((m) => ({
                  policy: policyRef(m.policy),
                  rule: `ingress[${m.rule.index}]`,
                }))
              : [],
        }
      : null,
    paths: verdict.paths.length,
  };
}
