import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { CheckSettings } from '../../src/checks/check.js';
import { loadManifests } from '../../src/k8s/load-manifests.js';
import type { TenantReport } from '../../src/scan/tenancy-report.js';
import {
  SCORING_FORMULA,
  buildTenancyReport,
  renderTenancyHtml,
  renderTenancyTable,
} from '../../src/scan/tenancy-report.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'tenancy', 'cluster.yaml');

const SETTINGS: CheckSettings = {
  allowedRegistries: [],
  untrustedNamespaces: [],
  sandboxRuntimeClasses: ['kata-vm-isolation'],
};

interface Case {
  name: string;
  namespace: string;
  settings?: Partial<CheckSettings>;
  score: number;
  gaps: string[];
  /** `Kind:ns/name scope actions` */
  subjects: string[];
  reachableFrom: string[];
  internet: boolean;
}

const cases = [
  {
    name: 'well-isolated tenant: only its own group bound, nothing reaches it',
    namespace: 'secure',
    score: 99,
    gaps: [],
    subjects: ['Group:secure-devs member write-workloads,exec,read-secrets'],
    reachableFrom: [],
    internet: false,
  },
  {
    name: 'well-isolated untrusted tenant: sandboxed and on a dedicated pool',
    namespace: 'secure',
    settings: { untrustedNamespaces: ['secure'] },
    score: 99,
    gaps: [],
    subjects: ['Group:secure-devs member write-workloads,exec,read-secrets'],
    reachableFrom: [],
    internet: false,
  },
  {
    name: 'leaky tenant: no default deny, cross-namespace binding, reachable from another namespace',
    namespace: 'leaky',
    score: 25,
    gaps: [
      'tenancy.default-deny-ingress-missing',
      'tenancy.default-deny-egress-missing',
      'tenancy.resource-quota-missing',
      'tenancy.limit-range-missing',
    ],
    subjects: ['ServiceAccount:other/ci cross-tenant write-workloads,exec,read-secrets'],
    reachableFrom: ['other'],
    internet: true,
  },
  {
    name: 'leaky untrusted tenant: sandbox and dedicated-pool gaps push the score to 0',
    namespace: 'leaky',
    settings: { untrustedNamespaces: ['leak*'] },
    score: 0,
    gaps: [
      'tenancy.default-deny-ingress-missing',
      'tenancy.default-deny-egress-missing',
      'tenancy.resource-quota-missing',
      'tenancy.limit-range-missing',
      'tenancy.untrusted-without-sandbox',
      'tenancy.untrusted-without-dedicated-nodes',
    ],
    subjects: ['ServiceAccount:other/ci cross-tenant write-workloads,exec,read-secrets'],
    reachableFrom: ['other'],
    internet: true,
  },
  {
    name: 'partly isolated: ingress denied, egress open; the binding of its service account elsewhere does not count here',
    namespace: 'other',
    score: 85,
    gaps: ['tenancy.default-deny-egress-missing', 'tenancy.limit-range-missing'],
    subjects: [],
    reachableFrom: [],
    internet: false,
  },
] satisfies Case[];

const { objects } = await loadManifests([FIXTURE]);

function subjectLine(s: TenantReport['outsideSubjects'][number]): string {
  const who = s.namespace ? `${s.kind}:${s.namespace}/${s.name}` : `${s.kind}:${s.name}`;
  return `${who} ${s.scope} ${s.actions.join(',')}`;
}

for (const c of cases) {
  test(`tenancy report: ${c.name}`, () => {
    const report = buildTenancyReport(objects, {
      settings: { ...SETTINGS, ...c.settings },
      generatedAt: '2026-11-28T12:00:00.000Z',
    });
    const tenant = report.tenants.find((t) => t.namespace === c.namespace);
    assert.ok(tenant, `no tenant ${c.namespace}`);
    assert.deepEqual(
      tenant.gaps.map((g) => g.ruleId),
      c.gaps,
    );
    assert.deepEqual(tenant.outsideSubjects.map(subjectLine), c.subjects);
    assert.deepEqual(
      tenant.reachableFrom.map((r) => r.namespace),
      c.reachableFrom,
    );
    assert.equal(tenant.internetReachable, c.internet);
    assert.equal(tenant.score, c.score);
    const deducted = tenant.deductions.reduce((sum, d) => sum + d.points, 0);
    assert.equal(tenant.score, Math.max(0, 100 - deducted));
  });
}

test('tenancy report: system namespaces are skipped, control-plane grants left out, output sorted', () => {
  const report = buildTenancyReport(objects, { settings: SETTINGS, generatedAt: 'now' });
  assert.deepEqual(
    report.tenants.map((t) => t.namespace),
    ['leaky', 'other', 'secure'],
  );
  const names = report.tenants.flatMap((t) => t.outsideSubjects.map((s) => s.name));
  assert.ok(!names.includes('system:kube-controller-manager'));
  assert.ok(!names.includes('replicaset-controller'));
  // system:authenticated only has view (no writes, exec or secrets): not an outside actor.
  assert.ok(!names.includes('system:authenticated'));
  assert.equal(report.scoring.formula, SCORING_FORMULA);
});

test('tenancy report: a group that spans tenants with write access counts as cross-tenant', () => {
  const extra = (
    [
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'all-sa', namespace: 'secure' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
        subjects: [{ kind: 'Group', name: 'system:serviceaccounts' }],
      },
    ] as const
  ).map((raw) => ({
    apiVersion: raw.apiVersion,
    kind: raw.kind,
    metadata: { name: raw.metadata.name, namespace: raw.metadata.namespace, labels: {}, annotations: {} },
    raw: raw as unknown as Record<string, unknown>,
    source: { file: 'inline', line: 1, column: 1 },
  }));
  const report = buildTenancyReport([...objects, ...extra], { settings: SETTINGS, generatedAt: 'now' });
  const secure = report.tenants.find((t) => t.namespace === 'secure')!;
  assert.deepEqual(secure.outsideSubjects.map(subjectLine), [
    'Group:system:serviceaccounts cross-tenant write-workloads,exec,read-secrets',
    'Group:secure-devs member write-workloads,exec,read-secrets',
  ]);
  assert.equal(secure.score, 100 - 15 - 1);
});

test('tenancy report: table and HTML escape hostile names', () => {
  const hostile = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: '<script>x</script>\u001b[31m', labels: {}, annotations: {} },
    raw: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: '<script>x</script>\u001b[31m' } },
    source: { file: 'inline', line: 1, column: 1 },
  };
  const report = buildTenancyReport([...objects, hostile], { settings: SETTINGS, generatedAt: 'now' });
  const html = renderTenancyHtml(report);
  assert.ok(!html.includes('<script>'));
  assert.ok(html.includes('&#60;script&#62;'));
  assert.ok(!/<(script|link|img)\b/i.test(html));
  assert.ok(!renderTenancyTable(report).includes('\u001b'));
});
