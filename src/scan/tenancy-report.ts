// `kubeward tenancy report`: per tenant namespace, the tenancy checks' gaps, who from outside the namespace
// can act in it (RBAC engine) and which other namespaces can reach its pods (NetworkPolicy engine), joined
// into one row with a score. A pure function of the loaded objects; the renderers below are pure too.
import type { Severity } from '../core/severity.js';
import type { InputProblem } from '../core/report.js';
import type { K8sObject } from '../k8s/object.js';
import { effectiveNamespace, objectRef } from '../k8s/object.js';
import { buildManifestSet } from '../k8s/manifest-set.js';
import type { CheckSettings, SetCheck } from '../checks/check.js';
import { isSystemNamespace } from '../checks/tenancy/namespaces.js';
import { defaultDenyEgressMissing } from '../checks/tenancy/default-deny-egress-missing.js';
import { defaultDenyIngressMissing } from '../checks/tenancy/default-deny-ingress-missing.js';
import { limitRangeMissing } from '../checks/tenancy/limit-range-missing.js';
import { resourceQuotaMissing } from '../checks/tenancy/resource-quota-missing.js';
import { untrustedWithoutDedicatedNodes } from '../checks/tenancy/untrusted-without-dedicated-nodes.js';
import { untrustedWithoutSandbox } from '../checks/tenancy/untrusted-without-sandbox.js';
import type { AccessRequest, RbacModel, Subject } from '../checks/rbac/index.js';
import { buildRbacModel, whoCan } from '../checks/rbac/index.js';
import type { Evaluator, MatrixPort } from '../checks/netpol/index.js';
import {
  INTERNET,
  buildCluster,
  computeMatrix,
  createEvaluator,
  evaluateConnection,
} from '../checks/netpol/index.js';
import { visibleText } from '../report/terminal-text.js';

/** The tenancy checks whose violations count as isolation gaps, in report order. */
export const TENANCY_CHECKS: readonly SetCheck[] = [
  defaultDenyIngressMissing,
  defaultDenyEgressMissing,
  resourceQuotaMissing,
  limitRangeMissing,
  untrustedWithoutSandbox,
  untrustedWithoutDedicatedNodes,
];

/** What an outside subject may do in the tenant's namespace. */
export type TenantAction = 'write-workloads' | 'exec' | 'read-secrets';

/**
 * How a subject reaches the namespace. `member`: a user or group bound by a RoleBinding of the namespace
 * itself (the tenant's own people). `cluster-wide`: a user or group granted through a ClusterRoleBinding.
 * `cross-tenant`: a service account of another namespace, or a group that spans tenants
 * (system:authenticated, system:unauthenticated, system:serviceaccounts[:OTHER]).
 */
export type AccessScope = 'member' | 'cluster-wide' | 'cross-tenant';

export interface IsolationGap {
  ruleId: string;
  severity: Severity;
  title: string;
  /** One message per violation of the rule in this namespace. */
  messages: string[];
  objects: string[];
}

export interface OutsideSubject {
  kind: Subject['kind'];
  name: string;
  namespace?: string;
  scope: AccessScope;
  actions: TenantAction[];
  /** `BindingKind/[ns/]name -> RoleKind/name`, sorted. */
  via: string[];
}

export interface ReachingNamespace {
  namespace: string;
  /** `port/PROTOCOL` on which some pod of that namespace reaches some pod of the tenant. */
  ports: string[];
}

export interface TenantReport {
  namespace: string;
  score: number;
  gaps: IsolationGap[];
  outsideSubjects: OutsideSubject[];
  reachableFrom: ReachingNamespace[];
  /** An arbitrary address outside the cluster (what ipBlock 0.0.0.0/0 covers) may connect to a pod. */
  internetReachable: boolean;
  /** Ports the internet reaches, `port/PROTOCOL`. */
  internetPorts: string[];
  /** Pods (or workload templates) in the namespace the network analysis saw. */
  pods: number;
  deductions: { reason: string; points: number }[];
}

export interface ScoringWeights {
  gapBySeverity: Record<Severity, number>;
  subjectByScope: Record<AccessScope, number>;
  rbacCap: number;
  perReachingNamespace: number;
  networkCap: number;
  internet: number;
}

export interface TenancyReport {
  generatedAt: string;
  inputs: string[];
  scoring: { formula: string; weights: ScoringWeights; notes: string[] };
  tenants: TenantReport[];
  problems: InputProblem[];
}

export interface TenancyReportOptions {
  settings: CheckSettings;
  /** ISO time from the injected clock. */
  generatedAt: string;
  inputs?: string[];
  /** Restrict the report to these namespaces (default: every non-system namespace in the input). */
  namespaces?: readonly string[];
}

export const SCORING_WEIGHTS: ScoringWeights = {
  gapBySeverity: { critical: 25, high: 15, medium: 10, low: 5, info: 0 },
  subjectByScope: { 'cross-tenant': 15, 'cluster-wide': 5, member: 1 },
  rbacCap: 40,
  perReachingNamespace: 10,
  networkCap: 30,
  internet: 15,
};

export const SCORING_FORMULA =
  'score = max(0, 100 - gaps - rbac - network), where gaps = sum over failed tenancy rules of ' +
  'gapBySeverity[rule severity] (each rule once per namespace, however many pods fail it); rbac = ' +
  'min(rbacCap, sum over outside subjects of subjectByScope[scope]); network = min(networkCap, ' +
  'perReachingNamespace x number of other namespaces that reach a pod) + (internet if an address outside ' +
  'the cluster reaches a pod)';

const SCORING_NOTES = [
  'Outside subjects are users, groups and service accounts of other namespaces that can create, update, ' +
    'patch or delete pods or workloads (pods, deployments, statefulsets, daemonsets, replicasets, jobs, ' +
    'cronjobs), create or get pods/exec, or get, list or watch secrets in the namespace.',
  'Control-plane identities are left out: users and groups named system:* (except the all-users and ' +
    'all-service-accounts groups) and service accounts of kube-system, kube-public and kube-node-lease.',
  'Reachability follows NetworkPolicy only (no CNI, Service or cloud firewall), over every port a pod ' +
    'declares or a policy names; a namespace without pods is reachable by nothing.',
];

const WORKLOAD_RESOURCES: readonly { apiGroup: string; resource: string }[] = [
  { apiGroup: '', resource: 'pods' },
  { apiGroup: 'apps', resource: 'deployments' },
  { apiGroup: 'apps', resource: 'statefulsets' },
  { apiGroup: 'apps', resource: 'daemonsets' },
  { apiGroup: 'apps', resource: 'replicasets' },
  { apiGroup: 'batch', resource: 'jobs' },
  { apiGroup: 'batch', resource: 'cronjobs' },
];

/** The requests whose grantees count, by action. */
function requestsFor(namespace: string): { action: TenantAction; request: AccessRequest }[] {
  const out: { action: TenantAction; request: AccessRequest }[] = [];
  for (const { apiGroup, resource } of WORKLOAD_RESOURCES)
    for (const verb of ['create', 'update', 'patch', 'delete'])
      out.push({
        action: 'write-workloads',
        request: { type: 'resource', verb, apiGroup, resource, namespace },
      });
  // kubectl exec used GET over SPDY before 1.30 and POST (create) since; either verb grants it.
  for (const verb of ['create', 'get'])
    out.push({
      action: 'exec',
      request: { type: 'resource', verb, apiGroup: '', resource: 'pods', subresource: 'exec', namespace },
    });
  for (const verb of ['get', 'list', 'watch'])
    out.push({
      action: 'read-secrets',
      request: { type: 'resource', verb, apiGroup: '', resource: 'secrets', namespace },
    });
  return out;
}

const BROAD_GROUPS = new Set(['system:authenticated', 'system:unauthenticated', 'system:serviceaccounts']);

/** Undefined for subjects inside the namespace or the control plane; else how the subject gets in. */
function scopeOf(subject: Subject, namespace: string, viaClusterBinding: boolean): AccessScope | undefined {
  if (subject.kind === 'ServiceAccount') {
    const home = subject.namespace ?? '';
    if (home === namespace || isSystemNamespace(home)) return undefined;
    return 'cross-tenant';
  }
  if (subject.kind === 'Group') {
    if (BROAD_GROUPS.has(subject.name)) return 'cross-tenant';
    if (subject.name.startsWith('system:serviceaccounts:'))
      return subject.name === `system:serviceaccounts:${namespace}` ? undefined : 'cross-tenant';
  }
  if (subject.name.startsWith('system:')) return undefined;
  return viaClusterBinding ? 'cluster-wide' : 'member';
}

const SCOPE_RANK: Record<AccessScope, number> = { member: 0, 'cluster-wide': 1, 'cross-tenant': 2 };

function outsideSubjects(model: RbacModel, namespace: string): OutsideSubject[] {
  const found = new Map<string, OutsideSubject>();
  for (const { action, request } of requestsFor(namespace)) {
    for (const grant of whoCan(model, request).grants) {
      const scope = scopeOf(grant.subject, namespace, grant.binding.kind === 'ClusterRoleBinding');
      if (!scope) continue;
      const s = grant.subject;
      const key = `${s.kind}\u0000${s.namespace ?? ''}\u0000${s.name}`;
      let entry = found.get(key);
      if (!entry) {
        entry = {
          kind: s.kind,
          name: s.name,
          ...(s.namespace ? { namespace: s.namespace } : {}),
          scope,
          actions: [],
          via: [],
        };
        found.set(key, entry);
      }
      // A subject bound both ways counts at its widest reach.
      if (SCOPE_RANK[scope] > SCOPE_RANK[entry.scope]) entry.scope = scope;
      if (!entry.actions.includes(action)) entry.actions.push(action);
      const via = `${refText(grant.binding)} -> ${refText(grant.role)}`;
      if (!entry.via.includes(via)) entry.via.push(via);
    }
  }
  const actionOrder: TenantAction[] = ['write-workloads', 'exec', 'read-secrets'];
  return [...found.values()]
    .map((e) => ({
      ...e,
      actions: actionOrder.filter((a) => e.actions.includes(a)),
      via: [...e.via].sort(),
    }))
    .sort(
      (a, b) =>
        SCOPE_RANK[b.scope] - SCOPE_RANK[a.scope] ||
        cmp(a.kind, b.kind) ||
        cmp(a.namespace ?? '', b.namespace ?? '') ||
        cmp(a.name, b.name),
    );
}

function refText(o: { kind: string; name: string; namespace?: string }): string {
  return o.namespace ? `${o.kind}/${o.namespace}/${o.name}` : `${o.kind}/${o.name}`;
}

/** Every port a pod declares or a policy names by number; 80/TCP when there is none. */
function portsToProbe(evaluator: Evaluator): MatrixPort[] {
  const seen = new Map<string, MatrixPort>();
  const add = (port: number, protocol: MatrixPort['protocol']) =>
    seen.set(`${port}/${protocol}`, { port, protocol });
  const { cluster } = evaluator;
  for (const pod of cluster.pods) for (const p of pod.ports) add(p.port, p.protocol);
  for (const policy of cluster.policies)
    for (const rule of [...policy.ingress, ...policy.egress])
      for (const spec of rule.ports ?? []) if (typeof spec.port === 'number') add(spec.port, spec.protocol);
  if (seen.size === 0) add(80, 'TCP');
  return [...seen.values()].sort((a, b) => a.port - b.port || cmp(a.protocol, b.protocol));
}

interface NetworkView {
  reachableFrom: Map<string, ReachingNamespace[]>;
  internet: Map<string, string[]>;
  pods: Map<string, number>;
  problems: InputProblem[];
}

function analyseNetwork(objects: readonly K8sObject[]): NetworkView {
  const { cluster, problems } = buildCluster(objects);
  const evaluator = createEvaluator(cluster);
  const ports = portsToProbe(evaluator);
  const matrix = computeMatrix(evaluator, ports);
  const { classes } = matrix;
  const n = classes.length;
  // into[target][source] -> ports
  const into = new Map<string, Map<string, Set<string>>>();
  const internet = new Map<string, Set<string>>();
  matrix.ports.forEach((port, k) => {
    const label = `${port.port}/${port.protocol}`;
    const cells = matrix.allowed[k]!;
    for (let j = 0; j < n; j++) {
      const to = classes[j]!;
      for (let i = 0; i < n; i++) {
        const from = classes[i]!;
        if (from.namespace === to.namespace || cells[i * n + j] !== 1) continue;
        let sources = into.get(to.namespace);
        if (!sources) into.set(to.namespace, (sources = new Map()));
        let set = sources.get(from.namespace);
        if (!set) sources.set(from.namespace, (set = new Set()));
        set.add(label);
      }
      const verdict = evaluateConnection(evaluator, {
        from: INTERNET,
        to: { kind: 'pod', pod: to.representative },
        port: port.port,
        protocol: port.protocol,
      });
      if (verdict.allowed) {
        let set = internet.get(to.namespace);
        if (!set) internet.set(to.namespace, (set = new Set()));
        set.add(label);
      }
    }
  });
  const pods = new Map<string, number>();
  for (const pod of cluster.pods) pods.set(pod.namespace, (pods.get(pod.namespace) ?? 0) + 1);
  const reachableFrom = new Map<string, ReachingNamespace[]>();
  for (const [target, sources] of into)
    reachableFrom.set(
      target,
      [...sources.entries()]
        .map(([namespace, set]) => ({ namespace, ports: sortPorts(set) }))
        .sort((a, b) => cmp(a.namespace, b.namespace)),
    );
  return {
    reachableFrom,
    internet: new Map([...internet].map(([ns, set]) => [ns, sortPorts(set)])),
    pods,
    problems,
  };
}

function sortPorts(ports: Iterable<string>): string[] {
  return [...ports].sort((a, b) => parseInt(a, 10) - parseInt(b, 10) || cmp(a, b));
}

function gapsByNamespace(
  objects: readonly K8sObject[],
  settings: CheckSettings,
): Map<string, IsolationGap[]> {
  const set = buildManifestSet(objects);
  const out = new Map<string, IsolationGap[]>();
  for (const check of TENANCY_CHECKS) {
    for (const violation of check.evaluate(set, { settings })) {
      const object = violation.object;
      const namespace = object.kind === 'Namespace' ? object.metadata.name : effectiveNamespace(object);
      if (namespace === undefined) continue;
      let gaps = out.get(namespace);
      if (!gaps) out.set(namespace, (gaps = []));
      let gap = gaps.find((g) => g.ruleId === check.id);
      if (!gap) {
        gap = { ruleId: check.id, severity: check.severity, title: check.title, messages: [], objects: [] };
        gaps.push(gap);
      }
      gap.messages.push(violation.message);
      const ref = objectRef(object);
      if (!gap.objects.includes(ref)) gap.objects.push(ref);
    }
  }
  return out;
}

function score(
  gaps: readonly IsolationGap[],
  subjects: readonly OutsideSubject[],
  reachableFrom: readonly ReachingNamespace[],
  internetReachable: boolean,
  weights: ScoringWeights,
): { score: number; deductions: { reason: string; points: number }[] } {
  const deductions: { reason: string; points: number }[] = [];
  for (const gap of gaps) {
    const points = weights.gapBySeverity[gap.severity];
    if (points > 0) deductions.push({ reason: `gap ${gap.ruleId} (${gap.severity})`, points });
  }
  const rbac = subjects.reduce((sum, s) => sum + weights.subjectByScope[s.scope], 0);
  if (rbac > 0)
    deductions.push({
      reason: `${subjects.length} outside RBAC subject(s)`,
      points: Math.min(weights.rbacCap, rbac),
    });
  if (reachableFrom.length > 0)
    deductions.push({
      reason: `reachable from ${reachableFrom.length} other namespace(s)`,
      points: Math.min(weights.networkCap, reachableFrom.length * weights.perReachingNamespace),
    });
  if (internetReachable)
    deductions.push({ reason: 'reachable from outside the cluster', points: weights.internet });
  const total = deductions.reduce((sum, d) => sum + d.points, 0);
  return { score: Math.max(0, 100 - total), deductions };
}

/** The tenant isolation report over one cluster state. Deterministic: sorted by namespace. */
export function buildTenancyReport(
  objects: readonly K8sObject[],
  options: TenancyReportOptions,
): TenancyReport {
  const set = buildManifestSet(objects);
  const wanted = options.namespaces ? new Set(options.namespaces) : undefined;
  const namespaces = set.namespaces.filter((ns) => !isSystemNamespace(ns) && (!wanted || wanted.has(ns)));
  const gaps = gapsByNamespace(objects, options.settings);
  const model = buildRbacModel(objects);
  const network = analyseNetwork(objects);
  const tenants = namespaces.map((namespace): TenantReport => {
    const tenantGaps = gaps.get(namespace) ?? [];
    const subjects = outsideSubjects(model, namespace);
    const reachableFrom = network.reachableFrom.get(namespace) ?? [];
    const internetPorts = network.internet.get(namespace) ?? [];
    const scored = score(tenantGaps, subjects, reachableFrom, internetPorts.length > 0, SCORING_WEIGHTS);
    return {
      namespace,
      score: scored.score,
      gaps: tenantGaps,
      outsideSubjects: subjects,
      reachableFrom,
      internetReachable: internetPorts.length > 0,
      internetPorts,
      pods: network.pods.get(namespace) ?? 0,
      deductions: scored.deductions,
    };
  });
  return {
    generatedAt: options.generatedAt,
    inputs: options.inputs ?? [],
    scoring: { formula: SCORING_FORMULA, weights: SCORING_WEIGHTS, notes: SCORING_NOTES },
    tenants,
    problems: network.problems,
  };
}

// ---- Renderers (pure) ----

function subjectText(s: Pick<OutsideSubject, 'kind' | 'name' | 'namespace'>): string {
  return s.namespace ? `${s.kind}:${s.namespace}/${s.name}` : `${s.kind}:${s.name}`;
}

function gapText(gap: IsolationGap): string {
  return gap.ruleId.replace(/^tenancy\./, '');
}

/** Aligned columns; every cell made safe for a terminal (cluster data is untrusted). */
export function renderTenancyTable(report: TenancyReport): string {
  if (report.tenants.length === 0) return 'no tenant namespaces in the input\n';
  const header = ['NAMESPACE', 'SCORE', 'ISOLATION GAPS', 'OUTSIDE RBAC SUBJECTS', 'REACHABLE FROM'];
  const rows = report.tenants.map((t) => [
    t.namespace,
    String(t.score),
    t.gaps.map(gapText).join(', ') || '-',
    t.outsideSubjects.map((s) => `${subjectText(s)} (${s.actions.join('+')})`).join(', ') || '-',
    [...t.reachableFrom.map((r) => r.namespace), ...(t.internetReachable ? ['<internet>'] : [])].join(', ') ||
      '-',
  ]);
  const all = [header, ...rows].map((r) => r.map((c) => visibleText(c)));
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return `${all.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ')).join('\n')}\n`;
}

export function renderTenancyJson(report: TenancyReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A self-contained page: inline CSS, no scripts, nothing fetched; every value escaped. */
export function renderTenancyHtml(report: TenancyReport, title = 'kubeward tenant isolation report'): string {
  const e = escapeHtml;
  const list = (items: readonly string[]) =>
    items.length === 0
      ? '<span class="none">none</span>'
      : `<ul>${items.map((i) => `<li>${e(i)}</li>`).join('')}</ul>`;
  const rows = report.tenants
    .map((t) => {
      const band = t.score >= 80 ? 'good' : t.score >= 50 ? 'fair' : 'poor';
      const gaps = list(t.gaps.map((g) => `${g.ruleId} (${g.severity}): ${g.messages.join('; ')}`));
      const subjects = list(
        t.outsideSubjects.map(
          (s) => `${subjectText(s)} [${s.scope}] ${s.actions.join(', ')} via ${s.via.join('; ')}`,
        ),
      );
      const reach = list([
        ...t.reachableFrom.map((r) => `${r.namespace} on ${r.ports.join(', ')}`),
        ...(t.internetReachable ? [`outside the cluster on ${t.internetPorts.join(', ')}`] : []),
      ]);
      return `<tr><th>${e(t.namespace)}</th><td class="score ${band}">${t.score}</td><td>${gaps}</td><td>${subjects}</td><td>${reach}</td></tr>`;
    })
    .join('\n');
  const weights = e(JSON.stringify(report.scoring.weights));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${e(title)}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; vertical-align: top; }
ul { margin: 0; padding-left: 1.2em; }
.score { font-weight: bold; text-align: center; }
.good { background: #d9f2d9; } .fair { background: #fff1c2; } .poor { background: #f7d4d4; }
.none { color: #888; }
code { font-size: 12px; }
</style></head>
<body>
<h1>${e(title)}</h1>
<p>Generated ${e(report.generatedAt)}${report.inputs.length > 0 ? ` from ${e(report.inputs.join(', '))}` : ''}.</p>
<table>
<tr><th>Namespace</th><th>Score</th><th>Isolation gaps</th><th>Outside RBAC subjects</th><th>Reachable from</th></tr>
${rows}
</table>
<h2>Scoring</h2>
<p>${e(report.scoring.formula)}</p>
<p><code>${weights}</code></p>
${list(report.scoring.notes)}
</body></html>
`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
