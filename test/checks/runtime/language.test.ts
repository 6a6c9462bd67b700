import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadRuleSet, loadRuntimeRules, createDetector } from '../../../src/checks/runtime/index.js';
import type { AuditEvent } from '../../../src/checks/runtime/index.js';
import { ConfigError } from '../../../src/core/errors.js';
import { event } from './helpers.js';

/** Compile one condition (with optional extra YAML for lists and macros) and run it on one event. */
function matches(condition: string, e: AuditEvent, prelude = ''): boolean {
  const text = `${prelude}
- rule: probe
  desc: probe rule for the language tests
  condition: ${JSON.stringify(condition)}
  output: "{user.username}"
  priority: low
  stages: [ResponseStarted, ResponseComplete]
`;
  const detector = createDetector(loadRuleSet([{ name: 'test.yaml', text }]));
  return detector.evaluate(e).length === 1;
}

const podCreate = event({
  verb: 'create',
  level: 'RequestResponse',
  objectRef: { resource: 'deployments', namespace: 'web', name: 'api', apiGroup: 'apps', apiVersion: 'v1' },
  responseStatus: { code: 201 },
  requestURI: '/apis/apps/v1/namespaces/web/deployments?fieldManager=kubectl-client-side-apply&dryRun=All',
  requestObject: {
    kind: 'Deployment',
    spec: {
      template: {
        spec: {
          hostNetwork: true,
          initContainers: [{ name: 'init', image: 'busybox' }],
          containers: [
            { name: 'a', image: 'contoso.azurecr.io/web/api:1.0', securityContext: { privileged: false } },
            { name: 'b', image: 'ghcr.io/x/y@sha256:abc', securityContext: { privileged: true } },
          ],
          volumes: [{ name: 'v', hostPath: { path: '/var/log' } }],
        },
      },
    },
  },
});

interface Case {
  condition: string;
  event?: AuditEvent;
  want: boolean;
  prelude?: string;
}

const cases = [
  { condition: 'verb = get', want: true },
  { condition: 'verb != get', want: false },
  { condition: 'verb in (list, get)', want: true },
  { condition: 'verb not in (list, watch)', want: true },
  { condition: 'user.username startswith alice', want: true },
  { condition: 'user.username endswith "@contoso.com"', want: true },
  { condition: 'user.username contains (bob, contoso)', want: true },
  { condition: 'user.username glob "*@contoso.*"', want: true },
  { condition: 'user.username glob "*@fabrikam.*"', want: false },
  { condition: 'user.username not glob ("*@fabrikam.*")', want: true },
  // multi-valued fields: any value
  { condition: 'user.groups = devs', want: true },
  { condition: 'not user.groups = system:masters', want: true },
  { condition: 'user.groups != devs', want: true },
  // missing fields never compare true, only `not exists` sees them
  { condition: 'objectRef.subresource = exec', want: false },
  { condition: 'objectRef.subresource != exec', want: false },
  { condition: 'not objectRef.subresource exists', want: true },
  { condition: 'objectRef.name exists', want: true },
  // numbers
  { condition: 'responseStatus.code < 300 and responseStatus.code >= 200', want: true },
  { condition: 'responseStatus.code > 399', want: false },
  { condition: 'responseStatus.code = 200', want: true },
  // precedence: and binds tighter than or; not binds tightest
  { condition: 'verb = list or verb = get and objectRef.resource = pods', want: true },
  { condition: '(verb = list or verb = get) and objectRef.resource = secrets', want: false },
  { condition: 'not verb = list and not verb = watch', want: true },
  // bracketed keys with dots and slashes
  { condition: 'annotations[authorization.k8s.io/decision] = allow', want: true },
  { condition: 'sourceIPs[0] = 203.0.113.24', want: true },
  // lists and macros
  {
    condition: 'verb in (read_verbs)',
    prelude: '- list: read_verbs\n  items: [get, list, watch]',
    want: true,
  },
  { condition: 'verb in read_verbs', prelude: '- list: read_verbs\n  items: [get, list, watch]', want: true },
  {
    condition: 'is_read and not is_write',
    prelude:
      '- list: read_verbs\n  items: [get, list]\n- list: all_verbs\n  items: [read_verbs, create]\n- macro: is_read\n  condition: verb in (read_verbs)\n- macro: is_write\n  condition: verb in (all_verbs) and not is_read',
    want: true,
  },
  // field to field
  {
    condition: 'user.serviceaccount.namespace = $objectRef.namespace',
    event: event({ user: { username: 'system:serviceaccount:web:frontend' } }),
    want: true,
  },
  {
    condition: 'user.serviceaccount.name = frontend',
    event: event({ user: { username: 'system:serviceaccount:web:frontend' } }),
    want: true,
  },
  { condition: 'user.serviceaccount.namespace exists', want: false },
  // request objects fan out through arrays; pod.* is the same for every workload kind
  {
    condition: 'requestObject.spec.template.spec.containers.image glob "ghcr.io/*"',
    event: podCreate,
    want: true,
  },
  { condition: 'requestObject.spec.template.spec.containers[0].name = a', event: podCreate, want: true },
  { condition: 'requestObject.spec.template.spec.containers[*].name = b', event: podCreate, want: true },
  { condition: 'pod.containers.securityContext.privileged = true', event: podCreate, want: true },
  { condition: 'pod.containers.name = init', event: podCreate, want: true },
  { condition: 'pod.hostNetwork = true and not pod.hostPID = true', event: podCreate, want: true },
  { condition: 'pod.images.ref = docker.io/library/busybox', event: podCreate, want: true },
  { condition: 'pod.images.registry = ghcr.io', event: podCreate, want: true },
  { condition: 'pod.images.repository = contoso.azurecr.io/web/api', event: podCreate, want: true },
  { condition: 'pod.images.ref not glob ("contoso.azurecr.io/*")', event: podCreate, want: true },
  { condition: 'pod.volumes.hostPath.path = /var/log', event: podCreate, want: true },
  { condition: 'requestObject.spec.template.spec.@keys = hostNetwork', event: podCreate, want: true },
  { condition: 'query.dryRun = All and query.fieldManager startswith kubectl', event: podCreate, want: true },
  { condition: 'pod.hostNetwork exists', want: false },
] satisfies Case[];

for (const c of cases) {
  test(`condition: ${c.condition} -> ${c.want}`, () => {
    assert.equal(matches(c.condition, c.event ?? event(), c.prelude), c.want);
  });
}

interface ErrorCase {
  name: string;
  text: string;
  message: RegExp;
}

const rule = (body: string): string =>
  `- rule: broken-rule\n  desc: a rule with a mistake\n  output: "{verb}"\n  priority: high\n${body}`;

const errorCases = [
  {
    name: 'unknown field with a suggestion',
    text: rule('  condition: objectRef.resourse = pods'),
    message:
      /^rules\.yaml: rule "broken-rule": condition: unknown field "objectRef\.resourse" \(did you mean "objectRef\.resource"\?\)$/,
  },
  {
    name: 'unknown macro',
    text: rule('  condition: verb = get and is_evil'),
    message: /rule "broken-rule": condition: unknown macro "is_evil"/,
  },
  {
    name: 'missing operand',
    text: rule('  condition: verb ='),
    message: /rule "broken-rule": condition: expected a value at the end/,
  },
  {
    name: 'unbalanced parentheses',
    text: rule('  condition: (verb = get'),
    message: /rule "broken-rule": condition: expected "\)"/,
  },
  {
    name: 'numeric operator with a word',
    text: rule('  condition: responseStatus.code < many'),
    message: /"<" needs one number/,
  },
  {
    name: 'output field',
    text: rule('  condition: verb = get').replace('{verb}', '{verbb}'),
    message: /rule "broken-rule": output: unknown field "verbb"/,
  },
  {
    name: 'bad priority',
    text: rule('  condition: verb = get').replace('priority: high', 'priority: urgent'),
    message: /rule "broken-rule": priority: /,
  },
  {
    name: 'unknown key',
    text: rule('  condition: verb = get\n  conditon: x'),
    message: /rule "broken-rule": unknown key "conditon" \(did you mean "condition"\?\)$/,
  },
  {
    name: 'missing condition',
    text: '- rule: lonely\n  enabled: false',
    message: /rule "lonely": condition: required/,
  },
  {
    name: 'bad technique',
    text: rule('  condition: verb = get\n  tags: [T160]'),
    message: /tags: "T160" is not a MITRE ATT&CK technique id/,
  },
  {
    name: 'macro cycle',
    text: '- macro: a\n  condition: b\n- macro: b\n  condition: a',
    message: /macro "a": condition: macro cycle: a -> b -> a/,
  },
  { name: 'YAML syntax', text: '- rule: x\n  desc: [unclosed', message: /^rules\.yaml:\d+: / },
  { name: 'not a list', text: 'rule: x', message: /expected a YAML list/ },
  {
    name: 'duplicate rule',
    text: `${rule('  condition: verb = get')}\n${rule('  condition: verb = list')}`,
    message: /already defined in rules\.yaml; set replace: true/,
  },
  {
    name: 'threshold by unknown field',
    text: rule('  condition: verb = get\n  threshold: { count: 5, window: 1m, by: [user.nam] }'),
    message: /threshold\.by: unknown field "user\.nam"/,
  },
] satisfies ErrorCase[];

for (const c of errorCases) {
  test(`load error: ${c.name}`, () => {
    assert.throws(
      () => loadRuleSet([{ name: 'rules.yaml', text: c.text }]),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError, 'a ConfigError');
        assert.equal(error.code, 'CONFIG');
        assert.ok(!error.message.includes('\n'), `one line: ${error.message}`);
        assert.match(error.message, c.message);
        return true;
      },
    );
  });
}

test('a later source appends to lists, adds exceptions, toggles and re-prioritizes rules', () => {
  const base = `
- list: admins
  items: [alice@contoso.com]
- rule: admin-action
  desc: an admin did something
  condition: user.username in (admins)
  output: "{user.username} {verb}"
  priority: low
`;
  const user = `
- list: admins
  items: [bob@contoso.com]
  append: true
- rule: admin-action
  priority: high
  except: verb = list
`;
  const set = loadRuleSet([
    { name: 'base', text: base },
    { name: 'user', text: user },
  ]);
  const d = createDetector(set);
  const bob = d.evaluate(event({ user: { username: 'bob@contoso.com' } }));
  assert.equal(bob.length, 1);
  assert.equal(bob[0]!.priority, 'high');
  assert.equal(d.evaluate(event({ verb: 'list' })).length, 0);
  const off = loadRuleSet([
    { name: 'base', text: base },
    { name: 'user', text: '- rule: admin-action\n  enabled: false' },
  ]);
  assert.equal(createDetector(off).evaluate(event()).length, 0);
});

test('requires_list: a rule is active only while its list has items', () => {
  const text = (items: string): string => `- list: allowed
  items: [${items}]
- rule: outside
  desc: a user outside the allow-list
  requires_list: allowed
  condition: user.username not in (allowed)
  output: "{user.username}"
  priority: low`;
  assert.equal(loadRuleSet([{ name: 't', text: text('') }]).rules[0]!.enabled, false);
  const on = loadRuleSet([{ name: 't', text: text('bob@contoso.com') }]);
  assert.equal(createDetector(on).evaluate(event()).length, 1);
});

test('an event without a response status counts as having happened for the shipped rules', () => {
  const withoutStatus = event({
    verb: 'create',
    stage: 'ResponseStarted',
    objectRef: { resource: 'pods', subresource: 'exec', namespace: 'web', name: 'frontend' },
  });
  delete withoutStatus.responseStatus;
  const alerts = createDetector(loadRuntimeRules()).evaluate(withoutStatus);
  assert.deepEqual(
    alerts.map((a) => a.rule),
    ['pod-exec'],
  );
});

test('output templates interpolate fields, join multiple values and neutralize line breaks', () => {
  const set = loadRuleSet([
    {
      name: 't',
      text: `- rule: t
  desc: template test
  condition: verb = get
  output: "{user.username} in {user.groups} {objectRef.subresource} {objectRef.name}"
  priority: info`,
    },
  ]);
  const [alert] = createDetector(set).evaluate(
    event({ objectRef: { resource: 'pods', namespace: 'web', name: 'evil\nkubeward: fake line' } }),
  );
  assert.equal(
    alert!.message,
    'alice@contoso.com in devs,system:authenticated <none> evil kubeward: fake line',
  );
});

test('threshold rules count per group within the window and start afresh after alerting', () => {
  const set = loadRuleSet([
    {
      name: 't',
      text: `- rule: denied-burst
  desc: three denials within ten seconds
  condition: responseStatus.code = 403
  threshold: { count: 3, window: 10s, by: [user.username] }
  output: "{user.username}"
  priority: medium`,
    },
  ]);
  const d = createDetector(set);
  const at = (user: string, second: number): AuditEvent =>
    event({
      user: { username: user },
      responseStatus: { code: 403 },
      stageTimestamp: `2026-11-28T09:00:${String(second).padStart(2, '0')}.000000Z`,
    });
  const fired = (user: string, second: number): number => d.evaluate(at(user, second)).length;
  assert.equal(fired('a', 0), 0);
  assert.equal(fired('b', 1), 0);
  assert.equal(fired('a', 2), 0);
  assert.equal(fired('a', 15), 0, 'the first two fell out of the window');
  assert.equal(fired('a', 16), 0);
  assert.equal(fired('a', 17), 1);
  assert.equal(fired('a', 18), 0, 'counting starts again');
  assert.equal(fired('b', 2), 0);
  assert.equal(fired('b', 3), 1);
});

test('rules are indexed by resource and verb: an unrelated event meets no rule', () => {
  const set = loadRuleSet([
    {
      name: 't',
      text: `- rule: only-secrets
  desc: indexed rule
  condition: objectRef.resource = secrets and verb in (get, list)
  output: x
  priority: low`,
    },
  ]);
  assert.deepEqual([...(set.rules[0]!.resources ?? [])], ['secrets']);
  assert.deepEqual([...(set.rules[0]!.verbs ?? [])].sort(), ['get', 'list']);
  const d = createDetector(set);
  assert.equal(d.evaluate(event()).length, 0);
  assert.equal(
    d.evaluate(event({ objectRef: { resource: 'secrets', namespace: 'web', name: 's' } })).length,
    1,
  );
});
