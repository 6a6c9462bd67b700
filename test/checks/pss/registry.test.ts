import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../../src/core/errors.js';
import {
  LATEST_PSS_VERSION,
  PSS_CHECKS,
  PSS_CHECK_DEFINITIONS,
  createPssRegistry,
  evaluatePodSecurity,
  formatPssVersion,
  parsePssVersion,
  pssChecksFor,
  pssFieldPath,
  pssRuleMeta,
} from '../../../src/checks/pss/index.js';
import type { PssCheck, PssEvaluate } from '../../../src/checks/pss/index.js';
import { PSS_DOCS_URL } from '../../../src/checks/pss/types.js';
import { baselineSpec, podSc, tweak } from './pods.js';

const allow: PssEvaluate = () => ({ allowed: true });
const deny =
  (reason: string): PssEvaluate =>
  () => ({ allowed: false, reason, detail: reason, fields: ['x'] });

function fake(id: string, level: 'baseline' | 'restricted', versions: PssCheck['versions']): PssCheck {
  return {
    id,
    level,
    upstreamId: id,
    meta: {
      severity: 'low',
      title: id,
      description: 'd',
      remediation: 'r',
      references: ['u'],
      category: 'workloads',
    },
    versions,
  };
}

const pod = (spec = baselineSpec()) => ({ podMeta: { labels: {}, annotations: {} }, spec });

describe('createPssRegistry validation', () => {
  const cases = [
    {
      name: 'duplicate id',
      checks: [
        fake('pss.a', 'baseline', [{ since: 'v1.0', evaluate: allow }]),
        fake('pss.a', 'restricted', [{ since: 'v1.0', evaluate: allow }]),
      ],
      error: /duplicate check id "pss\.a"/,
    },
    {
      name: 'equal versions',
      checks: [
        fake('pss.a', 'baseline', [
          { since: 'v1.3', evaluate: allow },
          { since: 'v1.3', evaluate: allow },
        ]),
      ],
      error: /strictly increasing/,
    },
    {
      name: 'decreasing versions',
      checks: [
        fake('pss.a', 'baseline', [
          { since: 'v1.10', evaluate: allow },
          { since: 'v1.9', evaluate: allow },
        ]),
      ],
      error: /strictly increasing \(v1\.9 after v1\.10\)/,
    },
    { name: 'no versions', checks: [fake('pss.a', 'baseline', [])], error: /no versions/ },
    {
      name: 'latest as a version',
      checks: [fake('pss.a', 'baseline', [{ since: 'latest', evaluate: allow }])],
      error: /cannot be "latest"/,
    },
    {
      name: 'malformed version',
      checks: [fake('pss.a', 'baseline', [{ since: '1.2', evaluate: allow }])],
      error: /invalid Pod Security version/,
    },
    {
      name: 'invalid level',
      checks: [fake('pss.a', 'privileged' as 'baseline', [{ since: 'v1.0', evaluate: allow }])],
      error: /invalid level "privileged"/,
    },
    {
      name: 'empty id',
      checks: [fake('', 'baseline', [{ since: 'v1.0', evaluate: allow }])],
      error: /empty id/,
    },
    {
      name: 'override set on a baseline check',
      checks: [
        fake('pss.a', 'baseline', [{ since: 'v1.0', evaluate: allow }]),
        fake('pss.b', 'baseline', [{ since: 'v1.0', evaluate: allow, overrides: ['pss.a'] }]),
      ],
      error: /only restricted checks may override/,
    },
    {
      name: 'override of a restricted or unknown check',
      checks: [
        fake('pss.a', 'restricted', [{ since: 'v1.0', evaluate: allow }]),
        fake('pss.b', 'restricted', [{ since: 'v1.0', evaluate: allow, overrides: ['pss.a'] }]),
      ],
      error: /overrides "pss\.a", which is not a baseline check/,
    },
  ] satisfies { name: string; checks: PssCheck[]; error: RegExp }[];

  for (const c of cases) {
    test(`rejects ${c.name}`, () => {
      assert.throws(() => createPssRegistry(c.checks), c.error);
    });
  }

  test('accepts the real check list', () => {
    assert.doesNotThrow(() => createPssRegistry(PSS_CHECK_DEFINITIONS));
  });
});

describe('version inflation and overrides', () => {
  const registry = createPssRegistry([
    fake('pss.base', 'baseline', [
      { since: 'v1.2', evaluate: deny('base@2') },
      { since: 'v1.5', evaluate: deny('base@5') },
    ]),
    fake('pss.other', 'baseline', [{ since: 'v1.0', evaluate: deny('other@0') }]),
    fake('pss.strict', 'restricted', [
      { since: 'v1.3', evaluate: deny('strict@3') },
      { since: 'v1.4', evaluate: deny('strict@4'), overrides: ['pss.base'] },
    ]),
  ]);
  const reasons = (level: 'baseline' | 'restricted', version: string) =>
    registry.evaluate(pod(), level, parsePssVersion(version)).map((v) => v.reason);

  const cases = [
    { level: 'baseline', version: 'v1.0', want: ['other@0'] },
    { level: 'baseline', version: 'v1.2', want: ['base@2', 'other@0'] },
    { level: 'baseline', version: 'v1.4', want: ['base@2', 'other@0'] },
    { level: 'baseline', version: 'v1.5', want: ['base@5', 'other@0'] },
    { level: 'baseline', version: 'v1.40', want: ['base@5', 'other@0'] },
    { level: 'baseline', version: 'latest', want: ['base@5', 'other@0'] },
    { level: 'restricted', version: 'v1.2', want: ['base@2', 'other@0'] },
    { level: 'restricted', version: 'v1.3', want: ['base@2', 'other@0', 'strict@3'] },
    { level: 'restricted', version: 'v1.4', want: ['other@0', 'strict@4'] },
    { level: 'restricted', version: 'latest', want: ['other@0', 'strict@4'] },
  ] satisfies { level: 'baseline' | 'restricted'; version: string; want: string[] }[];

  for (const c of cases) {
    test(`${c.level} ${c.version}`, () => {
      assert.deepEqual(reasons(c.level, c.version), c.want);
    });
  }

  test('latest is the newest version any check defines', () => {
    assert.equal(registry.latestVersion, 'v1.5');
  });

  test('privileged runs nothing', () => {
    assert.deepEqual(registry.evaluate(pod(), 'privileged', parsePssVersion('latest')), []);
  });

  test('a check that throws is reported as a violation (fail closed)', () => {
    const throwing = createPssRegistry([
      fake('pss.boom', 'baseline', [
        {
          since: 'v1.0',
          evaluate: () => {
            throw new Error('kaput');
          },
        },
      ]),
    ]);
    const [violation] = throwing.evaluate(pod(), 'baseline', parsePssVersion('v1.0'));
    assert.equal(violation?.reason, 'evaluation error');
    assert.match(violation?.detail ?? '', /kaput/);
  });
});

describe('parsePssVersion', () => {
  for (const [text, want] of [
    ['latest', 'latest'],
    ['v1.0', 'v1.0'],
    ['v1.9', 'v1.9'],
    ['v1.37', 'v1.37'],
    ['v1.120', 'v1.120'],
  ] as const) {
    test(`accepts ${text}`, () => assert.equal(formatPssVersion(parsePssVersion(text)), want));
  }
  for (const text of [
    '',
    'v1',
    'v1.',
    'v1.01',
    'v2.0',
    '1.25',
    ' v1.2',
    'v1.2 ',
    'v1.-1',
    'LATEST',
    'v1.2.3',
    'v1.1234567890',
  ]) {
    test(`rejects ${JSON.stringify(text)} with a one-line INPUT error`, () => {
      assert.throws(
        () => parsePssVersion(text),
        (error: unknown) =>
          error instanceof InputError &&
          error.code === 'INPUT' &&
          !error.message.includes('\n') &&
          /must be "latest" or "v1\.N"/.test(error.message),
      );
    });
  }
});

describe('the real registry', () => {
  test(`the newest policy version is ${LATEST_PSS_VERSION}`, () => {
    assert.equal(LATEST_PSS_VERSION, 'v1.37');
  });

  test('versions newer than the newest known one evaluate as latest', () => {
    const spec = tweak(baselineSpec(), (s) => {
      podSc(s)['sysctls'] = [{ name: 'net.ipv4.tcp_notsent_lowat', value: '1' }];
    });
    for (const version of ['v1.37', 'v1.38', 'v1.99', 'latest'])
      assert.deepEqual(evaluatePodSecurity(pod(spec), 'baseline', parsePssVersion(version)), [], version);
    assert.equal(evaluatePodSecurity(pod(spec), 'baseline', parsePssVersion('v1.36')).length, 1);
  });

  test('privileged level yields nothing, even for a terrible pod', () => {
    const spec = { hostNetwork: true, containers: [{ name: 'x', securityContext: { privileged: true } }] };
    assert.deepEqual(evaluatePodSecurity(pod(spec), 'privileged', parsePssVersion('latest')), []);
  });

  test('restricted overrides depend on the version', () => {
    const ids = (version: string) => pssChecksFor('restricted', parsePssVersion(version)).map((c) => c.id);
    assert.ok(ids('v1.21').includes('pss.capabilities-baseline'));
    assert.ok(!ids('v1.22').includes('pss.capabilities-baseline'));
    assert.ok(ids('v1.18').includes('pss.seccomp-profile-baseline'));
    assert.ok(!ids('v1.19').includes('pss.seccomp-profile-baseline'));
    assert.ok(ids('v1.34').includes('pss.proc-mount'));
    assert.ok(!ids('v1.35').includes('pss.proc-mount'));
    assert.ok(!ids('v1.0').includes('pss.host-path-volumes'));
    assert.ok(
      pssChecksFor('baseline', parsePssVersion('v1.0')).some((c) => c.id === 'pss.host-path-volumes'),
    );
    assert.deepEqual(pssChecksFor('privileged', parsePssVersion('latest')), []);
  });

  test('every check has an id, docs and the PSS reference; rule metadata matches', () => {
    const ids = PSS_CHECKS.map((c) => c.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(ids.length, PSS_CHECK_DEFINITIONS.length);
    for (const check of PSS_CHECKS) {
      assert.match(check.id, /^pss\.[a-z0-9-]+$/);
      assert.ok(check.title && check.description && check.remediation, check.id);
      assert.equal(check.category, 'workloads');
      assert.ok(
        check.references.some((ref) => ref.startsWith(PSS_DOCS_URL)),
        check.id,
      );
      assert.ok(check.upstreamId, check.id);
    }
    assert.deepEqual(
      pssRuleMeta().map((m) => m.id),
      ids,
    );
    assert.ok(pssRuleMeta().every((m) => !('level' in m)));
  });

  test('throws on a level that is not one', () => {
    assert.throws(
      () => evaluatePodSecurity(pod(), 'strict' as 'baseline', parsePssVersion('latest')),
      InputError,
    );
  });
});

describe('pssFieldPath', () => {
  const cases = [
    ['spec', 'containers[0].securityContext.privileged', 'spec.containers[0].securityContext.privileged'],
    ['spec.template.spec', 'hostNetwork', 'spec.template.spec.hostNetwork'],
    ['spec', "metadata.annotations['a/b']", "metadata.annotations['a/b']"],
    [
      'spec.jobTemplate.spec.template.spec',
      "metadata.annotations['a']",
      "spec.jobTemplate.spec.template.metadata.annotations['a']",
    ],
    ['template.spec', "metadata.annotations['a']", "template.metadata.annotations['a']"],
  ] as const;
  for (const [specPath, field, want] of cases) {
    test(`${specPath} + ${field}`, () => assert.equal(pssFieldPath(specPath, field), want));
  }
});
