import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/core/errors.js';
import { type GateFinding, type StateEntry, evaluateGate } from '../../src/policy/gate.js';
import { parseGatePolicy } from '../../src/policy/gate-policy.js';

const policy = parseGatePolicy(
  {
    defaults: {
      critical: { graceDays: 7 },
      high: { graceDays: 30, fixableOnly: true },
      medium: { graceDays: 90, fixableOnly: true },
      low: 'ignore',
    },
    scopes: [
      {
        name: 'payments',
        images: ['registry.example.com/payments/*'],
        severities: { high: { graceDays: 0 } },
      },
    ],
    exceptions: [
      {
        id: 'CVE-2024-0001',
        package: 'libc*',
        reason: 'not reachable',
        approver: 'alice',
        expires: '2026-03-31',
      },
      { id: 'GHSA-old', reason: 'was fine', approver: 'bob', expires: '2025-12-31' },
      {
        id: 'CVE-2024-0002',
        images: ['registry.example.com/legacy/*'],
        reason: 'legacy only',
        approver: 'carol',
        expires: '2027-01-01',
      },
    ],
  },
  'gate.yaml',
);

const REPO = 'registry.example.com/team/app';
const f = (over: Partial<GateFinding> & Pick<GateFinding, 'id' | 'severity' | 'status'>): GateFinding => ({
  aliases: [],
  packageKey: 'Debian/libc6',
  packageName: 'libc6',
  sourceName: 'glibc',
  ...over,
});
const seen = (
  vulnId: string,
  firstSeen: string,
  fixSeen?: string,
  packageKey = 'Debian/libc6',
): StateEntry => ({
  repository: REPO,
  vulnId,
  packageKey,
  firstSeen,
  ...(fixSeen ? { fixSeen } : {}),
});

interface Case {
  name: string;
  findings: GateFinding[];
  state?: StateEntry[];
  now: string;
  repository?: string;
  outcome: 'pass' | 'warn' | 'fail';
  messages?: string[];
  waived?: string[];
  notCounted?: string[];
  startedBy?: ('first-seen' | 'fix-available')[];
  updates?: number;
}

const cases = [
  { name: 'nothing found', findings: [], now: '2026-02-01T00:00:00Z', outcome: 'pass' },
  {
    name: 'first sighting of a fixable critical: due in 7 days, recorded',
    findings: [f({ id: 'CVE-1', severity: 'critical', status: 'fixed' })],
    now: '2026-02-01T00:00:00Z',
    outcome: 'warn',
    messages: ['due in 7 days'],
    updates: 1,
  },
  {
    name: 'critical first seen 10 days ago: overdue by 3 days',
    findings: [f({ id: 'CVE-1', severity: 'critical', status: 'not-fixed' })],
    state: [seen('CVE-1', '2026-01-22T00:00:00.000Z')],
    now: '2026-02-01T00:00:00Z',
    outcome: 'fail',
    messages: ['overdue by 3 days'],
    updates: 0,
  },
  {
    name: 'exactly at the due time is overdue by 0 days',
    findings: [f({ id: 'CVE-1', severity: 'critical', status: 'not-fixed' })],
    state: [seen('CVE-1', '2026-01-25T00:00:00.000Z')],
    now: '2026-02-01T00:00:00Z',
    outcome: 'fail',
    messages: ['overdue by 0 days'],
  },
  {
    name: 'partial days round up while due',
    findings: [f({ id: 'CVE-1', severity: 'critical', status: 'not-fixed' })],
    state: [seen('CVE-1', '2026-01-25T12:00:00.000Z')],
    now: '2026-02-01T00:00:00Z',
    outcome: 'warn',
    messages: ['due in 1 day'],
  },
  {
    name: 'clock starts when the fix became available, if later',
    findings: [f({ id: 'CVE-3', severity: 'high', status: 'fixed' })],
    state: [seen('CVE-3', '2025-06-01T00:00:00.000Z', '2026-01-25T00:00:00.000Z')],
    now: '2026-02-01T00:00:00Z',
    outcome: 'warn',
    messages: ['due in 23 days'],
    startedBy: ['fix-available'],
  },
  {
    name: 'a fix seen for the first time now restarts nothing earlier than first seen',
    findings: [f({ id: 'CVE-3', severity: 'high', status: 'fixed' })],
    state: [seen('CVE-3', '2026-01-01T00:00:00.000Z')],
    now: '2026-02-01T00:00:00Z',
    outcome: 'warn',
    messages: ['due in 30 days'],
    startedBy: ['fix-available'],
    updates: 1,
  },
  {
    name: 'fixable-only severities do not count unfixed or will-not-fix ones',
    findings: [
      f({ id: 'CVE-4', severity: 'high', status: 'not-fixed' }),
      f({ id: 'CVE-5', severity: 'medium', status: 'will-not-fix' }),
    ],
    now: '2026-02-01T00:00:00Z',
    outcome: 'pass',
    notCounted: ['CVE-4', 'CVE-5'],
  },
  {
    name: 'ignored and unlisted severities are not counted',
    findings: [
      f({ id: 'CVE-6', severity: 'low', status: 'fixed' }),
      f({ id: 'CVE-7', severity: 'unknown', status: 'fixed' }),
    ],
    now: '2026-02-01T00:00:00Z',
    outcome: 'pass',
    notCounted: ['CVE-6', 'CVE-7'],
  },
  {
    name: 'exception by alias and package glob waives; a different package is not waived',
    findings: [
      f({ id: 'DEBIAN-CVE-2024-0001', aliases: ['CVE-2024-0001'], severity: 'critical', status: 'fixed' }),
      f({
        id: 'DEBIAN-CVE-2024-0001',
        aliases: ['CVE-2024-0001'],
        severity: 'critical',
        status: 'fixed',
        packageKey: 'Debian/bash',
        packageName: 'bash',
        sourceName: 'bash',
      }),
    ],
    now: '2026-02-01T00:00:00Z',
    outcome: 'warn',
    waived: ['DEBIAN-CVE-2024-0001 libc6'],
    messages: ['due in 7 days'],
  },
  {
    name: 'exception applies through its expiry day, and not after',
    findings: [f({ id: 'CVE-2024-0001', severity: 'critical', status: 'fixed' })],
    state: [seen('CVE-2024-0001', '2026-01-01T00:00:00.000Z')],
    now: '2026-03-31T23:59:59Z',
    outcome: 'pass',
    waived: ['CVE-2024-0001 libc6'],
  },
  {
    name: 'expired exception stops applying',
    findings: [f({ id: 'CVE-2024-0001', severity: 'critical', status: 'fixed' })],
    state: [seen('CVE-2024-0001', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')],
    now: '2026-04-01T00:00:00Z',
    outcome: 'fail',
    messages: ['overdue by 83 days'],
  },
  {
    name: 'exception limited to other images does not apply',
    findings: [f({ id: 'CVE-2024-0002', severity: 'critical', status: 'fixed' })],
    now: '2026-02-01T00:00:00Z',
    outcome: 'warn',
  },
  {
    name: 'exception limited to matching images applies',
    repository: 'registry.example.com/legacy/billing',
    findings: [f({ id: 'CVE-2024-0002', severity: 'critical', status: 'fixed' })],
    now: '2026-02-01T00:00:00Z',
    outcome: 'pass',
    waived: ['CVE-2024-0002 libc6'],
  },
  {
    name: 'scope overrides a severity for matching repositories (graceDays 0: at once)',
    repository: 'registry.example.com/payments/api',
    findings: [f({ id: 'CVE-8', severity: 'high', status: 'fixed' })],
    now: '2026-02-01T00:00:00Z',
    outcome: 'fail',
    messages: ['overdue by 0 days'],
  },
  {
    name: 'state under an alias counts (primary id changed between scans)',
    findings: [f({ id: 'GHSA-aaaa', aliases: ['CVE-9'], severity: 'critical', status: 'not-fixed' })],
    state: [seen('CVE-9', '2026-01-01T00:00:00.000Z')],
    now: '2026-02-01T00:00:00Z',
    outcome: 'fail',
    messages: ['overdue by 24 days'],
    updates: 0,
  },
  {
    name: 'state of another repository does not count',
    findings: [f({ id: 'CVE-1', severity: 'critical', status: 'not-fixed' })],
    state: [{ ...seen('CVE-1', '2025-01-01T00:00:00.000Z'), repository: 'other/repo' }],
    now: '2026-02-01T00:00:00Z',
    outcome: 'warn',
    messages: ['due in 7 days'],
  },
] satisfies Case[];

for (const c of cases as Case[]) {
  test(`gate: ${c.name}`, () => {
    const d = evaluateGate({
      findings: c.findings,
      policy,
      state: c.state ?? [],
      now: new Date(c.now),
      repository: c.repository ?? REPO,
    });
    assert.equal(d.outcome, c.outcome);
    if (c.messages)
      assert.deepEqual(
        d.counted.map((i) => i.message),
        c.messages,
      );
    if (c.waived)
      assert.deepEqual(
        d.waived.map((w) => `${w.finding.id} ${w.finding.packageName}`),
        c.waived,
      );
    if (c.notCounted)
      assert.deepEqual(
        d.notCounted.map((n) => n.finding.id),
        c.notCounted,
      );
    if (c.startedBy)
      assert.deepEqual(
        d.counted.map((i) => i.startedBy),
        c.startedBy,
      );
    if (c.updates !== undefined) assert.equal(d.stateUpdates.length, c.updates);
  });
}

test('gate: expired exceptions are listed with what they would cover', () => {
  const d = evaluateGate({
    findings: [f({ id: 'GHSA-old', severity: 'critical', status: 'fixed' })],
    policy,
    state: [],
    now: new Date('2026-02-01T00:00:00Z'),
    repository: REPO,
  });
  assert.deepEqual(
    d.expiredExceptions.map((e) => [e.exception.id, e.matches]),
    [['GHSA-old', 1]],
  );
});

test('gate policy: unknown keys and bad dates are configuration errors', () => {
  assert.throws(
    () => parseGatePolicy({ defaults: { critical: { graceDays: 7, fixable: true } } }, 'g.yaml'),
    ConfigError,
  );
  assert.throws(
    () =>
      parseGatePolicy(
        { defaults: {}, exceptions: [{ id: 'X', reason: 'r', approver: 'a', expires: 'soon' }] },
        'g.yaml',
      ),
    (e: unknown) => e instanceof ConfigError && /exceptions\.0\.expires/.test(e.message),
  );
});
