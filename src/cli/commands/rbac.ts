import { Option } from 'commander';
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { ClusterInputFlags } from '../cluster-input.js';
import { addClusterInputOptions, loadStateForCli } from '../cluster-input.js';
import { EXIT } from '../exit-codes.js';
import { writeOutput } from '../output.js';
import { UsageError } from '../../core/errors.js';
import { visibleText } from '../../report/terminal-text.js';
import type {
  AccessRequest,
  EffectiveRule,
  Grant,
  ObjectName,
  RbacModel,
  Subject,
  UserInfo,
} from '../../checks/rbac/index.js';
import {
  authorize,
  buildRbacModel,
  impersonatedUser,
  listRules,
  parseResourceArg,
  parseServiceAccountUsername,
  serviceAccountUsername,
  whoCan,
} from '../../checks/rbac/index.js';

/** Flags every command that reads cluster state shares. */

interface OutputFlags {
  format: 'table' | 'json';
  output?: string;
}

interface SelectorFlags extends ClusterInputFlags, OutputFlags {
  namespace?: string;
  allNamespaces?: boolean;
  apiGroup?: string;
  subresource?: string;
  name?: string;
}

interface CanIFlags extends SelectorFlags {
  as?: string;
  asGroup: string[];
}

interface ListFlags extends ClusterInputFlags, OutputFlags {
  namespace?: string;
  asGroup: string[];
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** --snapshot, --kubeconfig and --context, for any command that reads cluster state. */
function addOutputOptions(command: Command): Command {
  return command
    .addOption(
      new Option('-f, --format <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .option('-o, --output <file>', 'write to a file instead of stdout');
}

function addSelectorOptions(command: Command): Command {
  return command
    .option('-n, --namespace <ns>', 'namespace of the request (default: "default")')
    .option('-A, --all-namespaces', 'cluster-wide (can-i) or in any namespace (who-can)')
    .option('--api-group <group>', 'API group of the resource ("" for core)')
    .option('--subresource <sub>', 'subresource, e.g. exec, log, scale')
    .option('--name <name>', 'name of the object (for rules with resourceNames)');
}

/** Load cluster state from files, snapshot or the live cluster; warnings go to stderr, never fail the run. */
async function loadModel(
  flags: ClusterInputFlags,
  paths: readonly string[],
  ctx: CliContext,
): Promise<RbacModel> {
  const state = await loadStateForCli(flags, paths, ctx);
  return buildRbacModel(state.objects);
}

/** VERB + RESOURCE + selectors -> the request kubectl auth can-i would send. */
export function requestFromArgs(verb: string, resourceArg: string, flags: SelectorFlags): AccessRequest {
  const parsed = parseResourceArg(resourceArg, {
    ...(flags.apiGroup !== undefined ? { apiGroup: flags.apiGroup } : {}),
    ...(flags.subresource !== undefined ? { subresource: flags.subresource } : {}),
    ...(flags.name !== undefined ? { name: flags.name } : {}),
  });
  if (parsed.type === 'nonResource') return { type: 'nonResource', verb, path: parsed.path };
  if (flags.namespace && flags.allNamespaces) throw new UsageError('give either -n or -A, not both');
  // Cluster-scoped resources are never requested in a namespace, so RoleBindings cannot grant them.
  const namespace = !parsed.namespaced || flags.allNamespaces ? '' : (flags.namespace ?? 'default');
  return {
    type: 'resource',
    verb,
    apiGroup: parsed.apiGroup,
    resource: parsed.resource,
    ...(parsed.subresource ? { subresource: parsed.subresource } : {}),
    ...(parsed.name ? { name: parsed.name } : {}),
    namespace,
  };
}

function refText(o: ObjectName | Subject): string {
  return o.namespace ? `${o.kind}/${o.namespace}/${o.name}` : `${o.kind}/${o.name}`;
}

function grantJson(grant: Grant) {
  return { binding: grant.binding, role: grant.role, subject: grant.subject, rule: grant.rule };
}

/** Aligned columns; every cell made safe for a terminal (cluster data is untrusted). */
function formatColumns(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows].map((r) => r.map((c) => visibleText(c)));
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return `${all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')).join('\n')}\n`;
}

/** `--as` as kubectl takes it; `system:serviceaccount:NS:NAME` gets the service account groups. */
function userFromFlags(as: string | undefined, groups: readonly string[]): UserInfo {
  if (!as)
    throw new UsageError('--as USER is required (use system:serviceaccount:NS:NAME for a service account)');
  return impersonatedUser(as, groups);
}

/**
 * `rbac list SUBJECT`: `alice` or `User/alice`, `Group/devs`, `ServiceAccount/NS/NAME` or
 * `system:serviceaccount:NS:NAME`. Users and service accounts get their implicit groups.
 */
export function userFromSubjectArg(
  arg: string,
  groups: readonly string[],
): { user: UserInfo; subject: Subject } {
  const [kind, ...rest] = arg.split('/');
  const lower = (kind ?? '').toLowerCase();
  if (rest.length > 0 && (lower === 'group' || lower === 'user')) {
    const name = rest.join('/');
    if (!name) throw new UsageError(`cannot parse subject "${arg}"`);
    if (lower === 'group') return { user: { name: '', groups: [name] }, subject: { kind: 'Group', name } };
    return { user: impersonatedUser(name, groups), subject: { kind: 'User', name } };
  }
  if (rest.length > 0 && (lower === 'serviceaccount' || lower === 'sa')) {
    const [namespace, name] = rest;
    if (!namespace || !name || rest.length !== 2)
      throw new UsageError(`expected ServiceAccount/NS/NAME, got "${arg}"`);
    return {
      user: impersonatedUser(serviceAccountUsername(namespace, name), groups),
      subject: { kind: 'ServiceAccount', name, namespace },
    };
  }
  const sa = parseServiceAccountUsername(arg);
  if (sa) {
    return {
      user: impersonatedUser(arg, groups),
      subject: { kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace },
    };
  }
  return { user: impersonatedUser(arg, groups), subject: { kind: 'User', name: arg } };
}

function ruleColumns(r: EffectiveRule): string[] {
  const rule = r.rule;
  const what =
    rule.nonResourceURLs.length > 0
      ? rule.nonResourceURLs.join(',')
      : `${rule.resources.join(',')}${rule.apiGroups.some((g) => g !== '') ? ` (${rule.apiGroups.map((g) => g || 'core').join(',')})` : ''}`;
  return [
    r.namespace ?? '*',
    rule.verbs.join(','),
    what,
    rule.resourceNames.join(','),
    `${refText(r.binding)} -> ${refText(r.role)}`,
  ];
}

export function register(program: Command, ctx: CliContext): void {
  const rbac = program
    .command('rbac')
    .description('RBAC: who can do what, from a snapshot, manifests or a live cluster');

  const canI = rbac
    .command('can-i')
    .description('whether a user may make a request, and which binding and role allow it (exit 1 when not)')
    .argument(
      '<verb>',
      'verb: get, list, create, update, patch, delete, watch, escalate, bind, impersonate, *',
    )
    .argument(
      '<resource>',
      'TYPE[.GROUP][/NAME], TYPE/SUBRESOURCE (pods/exec) or a non-resource URL (/healthz)',
    )
    .argument('[paths...]', 'manifest files or directories to read RBAC objects from');
  addSelectorOptions(canI)
    .option('--as <user>', 'user to check, system:serviceaccount:NS:NAME for a service account')
    .option(
      '--as-group <group>',
      'group of the user (repeatable); system:authenticated is still added, service account groups are not',
      collect,
      [],
    );
  addOutputOptions(addClusterInputOptions(canI)).action(
    async (verb: string, resource: string, paths: string[], flags: CanIFlags) => {
      const request = requestFromArgs(verb, resource, flags);
      const user = userFromFlags(flags.as, flags.asGroup);
      const model = await loadModel(flags, paths, ctx);
      const decision = authorize(model, user, request);
      const text =
        flags.format === 'json'
          ? JSON.stringify(
              {
                allowed: decision.allowed,
                via: decision.via ? grantJson(decision.via) : null,
                reason: decision.reason,
                user,
                request,
              },
              null,
              2,
            )
          : `${decision.allowed ? 'yes' : 'no'}${decision.allowed ? ` (${decision.reason})` : ''}`;
      await writeOutput(text, flags.output, ctx);
      if (!decision.allowed) ctx.setExitCode(EXIT.FAILED);
    },
  );

  const whoCanCommand = rbac
    .command('who-can')
    .description('every subject some binding allows to make a request')
    .argument('<verb>', 'verb')
    .argument('<resource>', 'TYPE[.GROUP][/NAME], TYPE/SUBRESOURCE or a non-resource URL')
    .argument('[paths...]', 'manifest files or directories to read RBAC objects from');
  addOutputOptions(addClusterInputOptions(addSelectorOptions(whoCanCommand))).action(
    async (verb: string, resource: string, paths: string[], flags: SelectorFlags) => {
      const anyNamespace = Boolean(flags.allNamespaces);
      const request = requestFromArgs(verb, resource, { ...flags, allNamespaces: false });
      const model = await loadModel(flags, paths, ctx);
      // -A widens only namespaced requests; a cluster-scoped request already has no namespace.
      const widen = anyNamespace && request.type === 'resource' && request.namespace !== '';
      const result = whoCan(model, request, { anyNamespace: widen });
      const text =
        flags.format === 'json'
          ? JSON.stringify({ subjects: result.subjects, grants: result.grants.map(grantJson) }, null, 2)
          : result.grants.length === 0
            ? 'no subject is allowed\n'
            : formatColumns(
                ['KIND', 'NAME', 'NAMESPACE', 'VIA'],
                result.grants.map((g) => [
                  g.subject.kind,
                  g.subject.name,
                  g.subject.namespace ?? '',
                  `${refText(g.binding)} -> ${refText(g.role)}`,
                ]),
              );
      await writeOutput(text, flags.output, ctx);
    },
  );

  const list = rbac
    .command('list')
    .description('effective rules of a subject (user, group or service account)')
    .argument(
      '<subject>',
      'USER, User/NAME, Group/NAME, ServiceAccount/NS/NAME or system:serviceaccount:NS:NAME',
    )
    .argument('[paths...]', 'manifest files or directories to read RBAC objects from')
    .option('-n, --namespace <ns>', 'only rules that apply in this namespace (cluster-wide ones included)')
    .option(
      '--as-group <group>',
      'groups of the user (repeatable); system:authenticated is still added, service account groups are not',
      collect,
      [],
    );
  addOutputOptions(addClusterInputOptions(list)).action(
    async (subjectArg: string, paths: string[], flags: ListFlags) => {
      const { user, subject } = userFromSubjectArg(subjectArg, flags.asGroup);
      const model = await loadModel(flags, paths, ctx);
      const rules = listRules(model, user, flags.namespace);
      const text =
        flags.format === 'json'
          ? JSON.stringify({ subject, user, rules }, null, 2)
          : rules.length === 0
            ? 'no rules apply\n'
            : formatColumns(['NAMESPACE', 'VERBS', 'RESOURCES', 'NAMES', 'VIA'], rules.map(ruleColumns));
      await writeOutput(text, flags.output, ctx);
    },
  );
}
