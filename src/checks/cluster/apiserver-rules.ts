// Spec: kube-apiserver flags of the CIS Kubernetes Benchmark section 1.2 (ids in v1.7 numbering; the insecure
// port is 1.2.19 of v1.6, removed later with the flag), read from the static pod manifest's container command
// and args. A flag absent from the command has the upstream default.
import type { ConfigRule, ConfigViolation } from './config-rule.js';
import { defineConfigRule } from './config-rule.js';

export interface ApiserverFlag {
  value: string;
  /** Dotted path of the flag, e.g. `spec.containers[0].command[7]`. */
  field: string;
}

export interface ApiserverInput {
  flags: ReadonlyMap<string, ApiserverFlag>;
  /** Where a missing flag belongs: `spec.containers[0].command`; reported as `...command[--flag]`. */
  commandField: string;
}

const FLAGS = 'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/';

function missing(input: ApiserverInput, flag: string, message: string): ConfigViolation[] {
  const present = input.flags.get(flag);
  return [{ field: present?.field ?? `${input.commandField}[--${flag}]`, message }];
}
const list = (input: ApiserverInput, flag: string): string[] =>
  (input.flags.get(flag)?.value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export const apiserverAnonymousAuth = defineConfigRule<ApiserverInput>({
  id: 'apiserver.anonymous-auth',
  cis: '1.2.1',
  cisVersion: '1.7',
  severity: 'medium',
  title: 'API server accepts anonymous requests',
  description:
    'Anonymous requests are served as system:anonymous; one careless binding to it exposes the cluster.',
  remediation: 'Set --anonymous-auth=false (health probes can use an authenticated endpoint or a config).',
  references: [
    FLAGS,
    'https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests',
  ],
  category: 'control-plane',
  evaluate: (input) =>
    input.flags.get('anonymous-auth')?.value === 'false'
      ? []
      : missing(input, 'anonymous-auth', '--anonymous-auth is not false'),
});

function authorizationModeRule(
  id: string,
  cis: string,
  mode: string,
  title: string,
  description: string,
): ConfigRule<ApiserverInput> {
  return defineConfigRule<ApiserverInput>({
    id,
    cis,
    cisVersion: '1.7',
    severity: mode === 'AlwaysAllow' ? 'critical' : 'high',
    title,
    description,
    remediation: 'Set --authorization-mode=Node,RBAC (plus Webhook when used).',
    references: [FLAGS, 'https://kubernetes.io/docs/reference/access-authn-authz/authorization/'],
    category: 'control-plane',
    evaluate(input) {
      if (input.flags.has('authorization-config')) return []; // structured config: modes live in that file
      const modes = list(input, 'authorization-mode');
      const effective = modes.length > 0 ? modes : ['AlwaysAllow'];
      if (mode === 'AlwaysAllow')
        return effective.includes('AlwaysAllow')
          ? missing(
              input,
              'authorization-mode',
              `authorization modes ${effective.join(',')} include AlwaysAllow`,
            )
          : [];
      return effective.includes(mode)
        ? []
        : missing(input, 'authorization-mode', `authorization modes ${effective.join(',')} lack ${mode}`);
    },
  });
}

export const apiserverAlwaysAllow = authorizationModeRule(
  'apiserver.authorization-always-allow',
  '1.2.6',
  'AlwaysAllow',
  'API server authorizes every request',
  'AlwaysAllow (the default without --authorization-mode) lets every authenticated user do anything.',
);
export const apiserverNodeAuthorizer = authorizationModeRule(
  'apiserver.authorization-node-missing',
  '1.2.7',
  'Node',
  'Node authorizer is not enabled',
  'The Node authorizer limits each kubelet to the objects of pods bound to its node.',
);
export const apiserverRbacAuthorizer = authorizationModeRule(
  'apiserver.authorization-rbac-missing',
  '1.2.8',
  'RBAC',
  'RBAC authorizer is not enabled',
  'Without RBAC, Roles and bindings have no effect.',
);

export const apiserverNodeRestriction = defineConfigRule<ApiserverInput>({
  id: 'apiserver.node-restriction-missing',
  cis: '1.2.15',
  cisVersion: '1.7',
  severity: 'high',
  title: 'NodeRestriction admission plugin is not enabled',
  description:
    'NodeRestriction stops a kubelet from modifying other nodes and pods not bound to it, or setting labels ' +
    'that steer workloads to it.',
  remediation: 'Add NodeRestriction to --enable-admission-plugins.',
  references: [
    FLAGS,
    'https://kubernetes.io/docs/reference/access-authn-authz/admission-controllers/#noderestriction',
  ],
  category: 'control-plane',
  evaluate: (input) =>
    list(input, 'enable-admission-plugins').includes('NodeRestriction') &&
    !list(input, 'disable-admission-plugins').includes('NodeRestriction')
      ? []
      : missing(
          input,
          'enable-admission-plugins',
          'NodeRestriction is not among the enabled admission plugins',
        ),
});

export const apiserverEncryptionConfig = defineConfigRule<ApiserverInput>({
  id: 'apiserver.encryption-provider-config-missing',
  cis: '1.2.28',
  cisVersion: '1.7',
  severity: 'high',
  title: 'Secrets are not encrypted at rest in etcd',
  description:
    'Without an encryption provider config, Secrets are stored in etcd and its backups in plain text.',
  remediation:
    'Set --encryption-provider-config to an EncryptionConfiguration with a KMS v2 provider for secrets.',
  references: [FLAGS, 'https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/'],
  category: 'control-plane',
  evaluate: (input) =>
    input.flags.get('encryption-provider-config')?.value
      ? []
      : missing(input, 'encryption-provider-config', '--encryption-provider-config is not set'),
});

const AUDIT_MINIMUMS: readonly [flag: string, cis: string, minimum: number][] = [
  ['audit-log-maxage', '1.2.18', 30],
  ['audit-log-maxbackup', '1.2.19', 10],
  ['audit-log-maxsize', '1.2.20', 100],
];

export const apiserverAuditLog = defineConfigRule<ApiserverInput>({
  id: 'apiserver.audit-log',
  cis: '1.2.17',
  cisVersion: '1.7',
  severity: 'medium',
  title: 'API server audit logging is missing or short-lived',
  description:
    'Without audit logs (and a policy, and retention) nobody can tell who did what in the cluster.',
  remediation:
    'Set --audit-policy-file, --audit-log-path (or a webhook backend), --audit-log-maxage>=30, ' +
    '--audit-log-maxbackup>=10 and --audit-log-maxsize>=100.',
  references: [FLAGS, 'https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/'],
  category: 'control-plane',
  evaluate(input) {
    const hasLog = Boolean(input.flags.get('audit-log-path')?.value);
    const hasWebhook = Boolean(input.flags.get('audit-webhook-config-file')?.value);
    if (!hasLog && !hasWebhook)
      return missing(input, 'audit-log-path', 'no audit log path or webhook backend');
    const out: ConfigViolation[] = [];
    if (!input.flags.get('audit-policy-file')?.value)
      out.push(
        ...missing(
          input,
          'audit-policy-file',
          '--audit-policy-file is not set (CIS 3.2.1): nothing is logged',
        ),
      );
    if (hasLog)
      for (const [flag, cis, minimum] of AUDIT_MINIMUMS) {
        const value = Number(input.flags.get(flag)?.value ?? 0);
        if (!(value >= minimum))
          out.push(
            ...missing(
              input,
              flag,
              `--${flag} is ${input.flags.get(flag)?.value ?? 'not set'} (CIS ${cis}: at least ${minimum})`,
            ),
          );
      }
    return out;
  },
});

export const apiserverProfiling = defineConfigRule<ApiserverInput>({
  id: 'apiserver.profiling',
  cis: '1.2.16',
  cisVersion: '1.7',
  severity: 'low',
  title: 'API server profiling is enabled',
  description: 'The /debug/pprof endpoints reveal internals and can be used to load the API server.',
  remediation: 'Set --profiling=false.',
  references: [FLAGS],
  category: 'control-plane',
  evaluate: (input) =>
    input.flags.get('profiling')?.value === 'false'
      ? []
      : missing(input, 'profiling', '--profiling is not false'),
});

export const apiserverInsecurePort = defineConfigRule<ApiserverInput>({
  id: 'apiserver.insecure-port',
  cis: '1.2.19',
  cisVersion: '1.6',
  severity: 'critical',
  title: 'API server serves an insecure port',
  description:
    'The insecure port serves the whole API without authentication or authorization (before 1.20).',
  remediation: 'Set --insecure-port=0 or upgrade; the flag was removed in Kubernetes 1.24.',
  references: [FLAGS],
  category: 'control-plane',
  evaluate(input) {
    const port = input.flags.get('insecure-port');
    return port && port.value !== '0'
      ? [{ field: port.field, message: `--insecure-port is ${port.value}` }]
      : [];
  },
});

export const APISERVER_RULES: readonly ConfigRule<ApiserverInput>[] = [
  apiserverAnonymousAuth,
  apiserverAlwaysAllow,
  apiserverNodeAuthorizer,
  apiserverRbacAuthorizer,
  apiserverNodeRestriction,
  apiserverEncryptionConfig,
  apiserverAuditLog,
  apiserverProfiling,
  apiserverInsecurePort,
];
