import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/core/errors.js';
import { decide, engineFor } from './engine.js';
import { kubectlObject } from './kubectl-fixtures.js';
import { clone, restrictedPod, reviewFor } from './reviews.js';

const RESTRICTED = {
  namespaces: { labels: { shop: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
};

test('kubectl run pod in an enforce=restricted namespace is denied with upstream wording', async () => {
  const d = await decide(engineFor(RESTRICTED), reviewFor(kubectlObject('pod-debug')));
  assert.equal(d.verdict.allowed, false);
  assert.equal(d.verdict.status?.code, 403);
  assert.equal(d.verdict.status?.reason, 'Forbidden');
  assert.match(
    d.verdict.status?.message ?? '',
    /^pod violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false \(container "debug" must set/,
  );
  assert.match(d.verdict.status?.message ?? '', /runAsNonRoot != true/);
  assert.deepEqual(d.verdict.auditAnnotations, { 'enforce-policy': 'restricted:latest' });
  assert.deepEqual(d.verdict.warnings, [], 'a denied request carries no warnings');
});

test('kubectl create deployment is admitted with a warning: controllers are not enforced, their pods are', async () => {
  const d = await decide(engineFor(RESTRICTED), reviewFor(kubectlObject('deployment-web')));
  assert.equal(d.verdict.allowed, true);
  assert.equal(d.verdict.warnings.length, 1);
  assert.match(
    d.verdict.warnings[0] ?? '',
    /^would violate PodSecurity "restricted:latest": allowPrivilegeEscalation != false/,
  );
  assert.deepEqual(d.verdict.auditAnnotations, {});
});

test('every workload kind is judged through its pod template (CronJob, Job)', async () => {
  const engine = engineFor({
    namespaces: { labels: { shop: { 'pod-security.kubernetes.io/warn': 'restricted' } } },
  });
  for (const name of ['cronjob-report', 'job-migrate'] as const) {
    const d = await decide(engine, reviewFor(kubectlObject(name)));
    assert.equal(d.verdict.allowed, true, name);
    assert.match(d.verdict.warnings[0] ?? '', /would violate PodSecurity "restricted:latest"/, name);
  }
});

test('a pod meeting restricted is admitted and the enforced policy is annotated', async () => {
  const d = await decide(engineFor(RESTRICTED), reviewFor(restrictedPod()));
  assert.equal(d.verdict.allowed, true);
  assert.deepEqual(d.verdict.warnings, []);
  assert.deepEqual(d.verdict.auditAnnotations, { 'enforce-policy': 'restricted:latest' });
});

test('audit mode annotates, warn mode warns, versions are pinned', async () => {
  const engine = engineFor({
    namespaces: {
      labels: {
        shop: {
          'pod-security.kubernetes.io/enforce': 'privileged',
          'pod-security.kubernetes.io/audit': 'baseline',
          'pod-security.kubernetes.io/audit-version': 'v1.25',
          'pod-security.kubernetes.io/warn': 'restricted',
          'pod-security.kubernetes.io/warn-version': 'v1.30',
        },
      },
    },
  });
  const pod = clone(kubectlObject('pod-debug')) as { spec: { hostNetwork?: boolean } };
  pod.spec.hostNetwork = true;
  const d = await decide(engine, reviewFor(pod));
  assert.equal(d.verdict.allowed, true);
  assert.match(
    d.verdict.auditAnnotations['audit-violations'] ?? '',
    /^would violate PodSecurity "baseline:v1.25": host namespaces \(hostNetwork=true\)/,
  );
  assert.equal(d.verdict.auditAnnotations['enforce-policy'], 'privileged:latest');
  assert.match(d.verdict.warnings[0] ?? '', /^would violate PodSecurity "restricted:v1.30": /);
});

test('exemptions by username, namespace and runtime class', async () => {
  const engine = engineFor({
    ...RESTRICTED,
    namespaces: {
      labels: {
        shop: { 'pod-security.kubernetes.io/enforce': 'restricted' },
        ops: { 'pod-security.kubernetes.io/enforce': 'restricted' },
      },
    },
    podSecurity: {
      exemptions: {
        usernames: ['system:serviceaccount:ci:deployer'],
        namespaces: ['ops'],
        runtimeClasses: ['kata'],
      },
    },
  });
  const pod = kubectlObject('pod-debug');
  const byUser = await decide(engine, reviewFor(pod, { username: 'system:serviceaccount:ci:deployer' }));
  assert.deepEqual([byUser.verdict.allowed, byUser.verdict.auditAnnotations], [true, { exempt: 'user' }]);
  const byNamespace = await decide(engine, reviewFor(pod, { namespace: 'ops' }));
  assert.deepEqual(
    [byNamespace.verdict.allowed, byNamespace.verdict.auditAnnotations],
    [true, { exempt: 'namespace' }],
  );
  const kata = clone(pod) as { spec: Record<string, unknown> };
  kata.spec['runtimeClassName'] = 'kata';
  const byRuntime = await decide(engine, reviewFor(kata));
  assert.deepEqual(
    [byRuntime.verdict.allowed, byRuntime.verdict.auditAnnotations],
    [true, { exempt: 'runtimeClass' }],
  );
});

test('an invalid enforce label fails closed to restricted and records the parse error', async () => {
  const engine = engineFor({
    namespaces: { labels: { shop: { 'pod-security.kubernetes.io/enforce': 'strict' } } },
  });
  const d = await decide(engine, reviewFor(kubectlObject('pod-debug')));
  assert.equal(d.verdict.allowed, false);
  assert.equal(d.verdict.auditAnnotations['enforce-policy'], 'restricted:latest');
  assert.match(
    d.verdict.auditAnnotations['error'] ?? '',
    /^Failed to parse policy: metadata\.labels\[pod-security\.kubernetes\.io\/enforce\]: Invalid value: "strict"/,
  );
});

test('ephemeral containers: the pods/ephemeralcontainers subresource is judged; insignificant updates are not', async () => {
  const engine = engineFor(RESTRICTED);
  const before = restrictedPod('web');
  const after = clone(before) as { spec: Record<string, unknown> };
  after.spec['ephemeralContainers'] = [
    { name: 'debugger', image: 'busybox:1.36', targetContainerName: 'app' },
  ];
  const d = await decide(
    engine,
    reviewFor(after, { operation: 'UPDATE', oldObject: before, subResource: 'ephemeralcontainers' }),
  );
  assert.equal(d.verdict.allowed, false);
  assert.match(d.verdict.status?.message ?? '', /ephemeral container "debugger"|container "debugger"/);

  const bad = kubectlObject('pod-debug');
  const relabelled = clone(bad) as { metadata: Record<string, unknown> };
  relabelled.metadata['labels'] = { run: 'debug', tier: 'x' };
  const update = await decide(engine, reviewFor(relabelled, { operation: 'UPDATE', oldObject: bad }));
  assert.equal(update.verdict.allowed, true, 'a label change cannot make a pod less secure');
});

test('ignored subresources, controller subresources and DELETE are admitted without evaluation', async () => {
  const engine = engineFor(RESTRICTED);
  const pod = kubectlObject('pod-debug');
  for (const review of [
    reviewFor(pod, { operation: 'UPDATE', oldObject: pod, subResource: 'status' }),
    reviewFor(kubectlObject('deployment-web'), {
      operation: 'UPDATE',
      oldObject: kubectlObject('deployment-web'),
      subResource: 'scale',
    }),
    reviewFor(pod, { operation: 'DELETE' }),
  ]) {
    const d = await decide(engine, review);
    assert.equal(d.verdict.allowed, true);
    assert.deepEqual(d.verdict.warnings, []);
  }
});

test('check effects per namespace selector: deny, warn, audit, disabled; the last matching assignment wins', async () => {
  const engine = engineFor({
    namespaces: {
      labels: { shop: { team: 'payments' }, lab: { team: 'research' }, sandbox: { team: 'research' } },
    },
    checks: {
      assignments: [
        { checks: ['workload.resource-limits-missing', 'workload.image-tag-latest'], effect: 'warn' },
        {
          checks: ['workload.resource-limits-missing'],
          effect: 'deny',
          namespaceSelector: { matchLabels: { team: 'payments' } },
        },
        {
          checks: ['workload.resource-limits-missing'],
          effect: 'audit',
          namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'In', values: ['research'] }] },
        },
        { checks: ['workload.*'], effect: 'disabled', namespaces: ['sandbox'] },
      ],
    },
  });
  const deployment = kubectlObject('deployment-web');
  const inShop = await decide(engine, reviewFor(deployment));
  assert.equal(inShop.verdict.allowed, false);
  assert.match(inShop.verdict.status?.message ?? '', /^workload\.resource-limits-missing: /);

  const inLab = await decide(engine, reviewFor(deployment, { namespace: 'lab' }));
  assert.equal(inLab.verdict.allowed, true);
  assert.match(
    inLab.verdict.auditAnnotations['check-violations'] ?? '',
    /^workload\.resource-limits-missing: /,
  );

  const latest = clone(deployment) as { spec: { template: { spec: { containers: { image: string }[] } } } };
  latest.spec.template.spec.containers[0]!.image = 'nginx';
  const warned = await decide(engine, reviewFor(latest, { namespace: 'lab' }));
  assert.ok(
    warned.verdict.warnings.some((w) => w.startsWith('workload.image-tag-latest: ')),
    warned.verdict.warnings.join('\n'),
  );

  const inSandbox = await decide(engine, reviewFor(latest, { namespace: 'sandbox' }));
  assert.deepEqual(
    [inSandbox.verdict.allowed, inSandbox.verdict.warnings, inSandbox.verdict.auditAnnotations],
    [true, [], {}],
  );
});

test('secrets checks run on non-workload objects too (ConfigMap with credentials)', async () => {
  const engine = engineFor({ checks: { assignments: [{ checks: ['secrets.*'], effect: 'deny' }] } });
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'settings', namespace: 'shop' },
    data: { DB_PASSWORD: 'hunter2-not-for-git' },
  };
  const d = await decide(engine, reviewFor(configMap));
  assert.equal(d.verdict.allowed, false);
  assert.match(d.verdict.status?.message ?? '', /^secrets\.credentials-in-configmap: /);
  assert.ok(!(d.verdict.status?.message ?? '').includes('hunter2'), 'secret values never reach a response');
});

test('registry allow-list denies images from other registries', async () => {
  const engine = engineFor({ images: { allowedRegistries: ['registry.example.com'] } });
  const denied = await decide(engine, reviewFor(kubectlObject('deployment-web')));
  assert.equal(denied.verdict.allowed, false);
  assert.match(
    denied.verdict.status?.message ?? '',
    /workload\.image-registry-not-allowed: .*docker\.io\/library\/nginx/,
  );
  const ok = await decide(engine, reviewFor(kubectlObject('job-migrate')));
  assert.equal(ok.verdict.allowed, true);
});

test('configuration errors: unknown check, checks that need other objects, budget over the timeout', () => {
  assert.throws(
    () => engineFor({ checks: { assignments: [{ checks: ['workload.nope'], effect: 'deny' }] } }),
    (e: unknown) => e instanceof ConfigError && /matches no check/.test(e.message),
  );
  assert.throws(
    () =>
      engineFor({
        checks: { assignments: [{ checks: ['tenancy.resource-quota-missing'], effect: 'deny' }] },
      }),
    (e: unknown) => e instanceof ConfigError && /cannot run at admission/.test(e.message),
  );
  assert.throws(
    () => engineFor({ webhook: { timeoutSeconds: 2 }, images: { verification: { budgetMs: 1800 } } }),
    (e: unknown) => e instanceof ConfigError && /budgetMs: must be at most 1500/.test(e.message),
  );
  assert.throws(
    () => engineFor({ images: { nope: true } } as never),
    (e: unknown) => e instanceof ConfigError && /unknown key nope/.test(e.message),
  );
});

test('namespace lookup failure denies with upstream wording; not found is a failure too', async () => {
  const engine = engineFor(
    {},
    {
      lookup: async (name) => (name === 'gone' ? undefined : Promise.reject(new Error('connection refused'))),
    },
  );
  const d = await decide(engine, reviewFor(kubectlObject('pod-debug')));
  assert.deepEqual(d.verdict.status, {
    code: 500,
    reason: 'InternalError',
    message: 'failed to lookup namespace shop',
  });
  const gone = await decide(engine, reviewFor(kubectlObject('pod-debug'), { namespace: 'gone' }));
  assert.equal(gone.verdict.allowed, false);
});

test('namespace labels from the API lookup are cached and feed Pod Security', async () => {
  let calls = 0;
  const engine = engineFor(
    {},
    {
      lookup: async () => {
        calls += 1;
        return { 'pod-security.kubernetes.io/enforce': 'baseline' };
      },
    },
  );
  const pod = clone(kubectlObject('pod-debug')) as { spec: Record<string, unknown> };
  pod.spec['hostPID'] = true;
  const first = await decide(engine, reviewFor(pod));
  const second = await decide(engine, reviewFor(pod));
  assert.equal(first.verdict.allowed, false);
  assert.match(
    first.verdict.status?.message ?? '',
    /^pod violates PodSecurity "baseline:latest": host namespaces \(hostPID=true\)/,
  );
  assert.equal(second.verdict.allowed, false);
  assert.equal(calls, 1);
});

test('a request whose object is missing is a bad request; dryRun is flagged and decided the same way', async () => {
  const engine = engineFor(RESTRICTED);
  const review = reviewFor(kubectlObject('pod-debug')) as { request: Record<string, unknown> };
  review.request['object'] = null;
  const bad = await decide(engine, review);
  assert.deepEqual(bad.verdict.status, {
    code: 400,
    reason: 'BadRequest',
    message: 'failed to decode object',
  });
  const dry = await decide(engine, reviewFor(kubectlObject('pod-debug'), { dryRun: true }));
  assert.equal(dry.dryRun, true);
  assert.equal(dry.verdict.allowed, false);
});

test('check effects follow the namespace labels when they change (the per-namespace answer is memoised by labels)', async () => {
  let now = 0;
  let team = 'payments';
  const engine = engineFor(
    {
      checks: {
        assignments: [
          {
            checks: ['workload.resource-limits-missing'],
            effect: 'deny',
            namespaceSelector: { matchLabels: { team: 'payments' } },
          },
        ],
      },
    },
    { lookup: async () => ({ team }), now: () => now },
  );
  const deployment = kubectlObject('deployment-web');
  const denied = await decide(engine, reviewFor(deployment));
  assert.equal(denied.verdict.allowed, false);
  assert.equal(
    (await decide(engine, reviewFor(deployment))).verdict.allowed,
    false,
    'same labels, same answer',
  );
  team = 'research';
  now += 31_000; // past the namespace cache TTL (30 s): the new labels are read
  const admitted = await decide(engine, reviewFor(deployment));
  assert.deepEqual([admitted.verdict.allowed, admitted.verdict.status], [true, undefined]);
  team = 'payments';
  now += 31_000;
  assert.equal((await decide(engine, reviewFor(deployment))).verdict.allowed, false);
  const elsewhere = await decide(engine, reviewFor(deployment, { namespace: 'other' }));
  assert.equal(elsewhere.verdict.allowed, false, 'another namespace with the same labels');
});
