import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadRuntimeRules, createDetector, SHIPPED_RULE_SOURCES } from '../../../src/checks/runtime/index.js';
import type { RuleSet } from '../../../src/checks/runtime/index.js';
import { AUDIT_FIXTURES, readEvents } from './helpers.js';

const RULES_DIR = join(AUDIT_FIXTURES, 'rules');
const BENIGN_DIR = join(AUDIT_FIXTURES, 'benign');
const DOCS = join(import.meta.dirname, '..', '..', '..', 'docs', 'runtime-rules.md');

/** Every shipped rule switched on, with the registry allow-list the fixtures assume. */
function allRules(): RuleSet {
  const shipped = loadRuntimeRules();
  return loadRuntimeRules([], {
    enable: shipped.rules.filter((r) => !r.enabled).map((r) => r.id),
    lists: { allowed_image_registries: ['contoso.azurecr.io/*', 'mcr.microsoft.com/*', 'registry.k8s.io/*'] },
  });
}

const ruleSet = allRules();
const files = readdirSync(RULES_DIR).sort();

test('every shipped rule has alert and quiet fixtures, and no fixture names an unknown rule', () => {
  const ids = new Set(ruleSet.rules.map((r) => r.id));
  for (const id of ids) {
    assert.ok(files.includes(`${id}.alert.jsonl`), `${id}: missing ${id}.alert.jsonl`);
    assert.ok(files.includes(`${id}.quiet.jsonl`), `${id}: missing ${id}.quiet.jsonl`);
  }
  for (const file of files) {
    const m = /^(.+)\.(alert|quiet|stages)\.jsonl$/.exec(file);
    assert.ok(m, `unexpected fixture file ${file}`);
    assert.ok(ids.has(m[1]!), `${file}: no rule ${m[1]}`);
  }
});

for (const rule of ruleSet.rules) {
  test(`${rule.id}: alerts on each attack event`, () => {
    const events = readEvents(join(RULES_DIR, `${rule.id}.alert.jsonl`));
    assert.ok(events.length > 0);
    if (rule.threshold) {
      // A windowed count: the sequence as a whole is one burst.
      const detector = createDetector(ruleSet);
      const alerts = events.flatMap((e) => detector.evaluate(e)).filter((a) => a.rule === rule.id);
      assert.equal(alerts.length, 1, `${rule.id}: one alert for the burst`);
      assert.equal(alerts[0]!.count, rule.threshold.count);
      return;
    }
    for (const event of events) {
      const alerts = createDetector(ruleSet).evaluate(event);
      const mine = alerts.filter((a) => a.rule === rule.id);
      assert.equal(
        mine.length,
        1,
        `${rule.id}: no alert for ${event.auditID} (${event.verb} ${event.requestURI})`,
      );
      const alert = mine[0]!;
      assert.equal(alert.auditID, event.auditID);
      assert.equal(alert.priority, rule.priority);
      assert.ok(!alert.message.includes('{'), `${rule.id}: uninterpolated output: ${alert.message}`);
    }
  });

  test(`${rule.id}: stays quiet on near misses`, () => {
    const detector = createDetector(ruleSet);
    for (const event of readEvents(join(RULES_DIR, `${rule.id}.quiet.jsonl`))) {
      const alerts = detector.evaluate(event);
      assert.deepEqual(
        alerts.map((a) => `${a.rule}: ${a.message}`),
        [],
        `${rule.id}: near miss ${event.auditID} (${event.user?.username} ${event.verb} ${event.requestURI}) alerted`,
      );
    }
  });
}

test('a request seen at ResponseStarted and ResponseComplete alerts once', () => {
  const detector = createDetector(ruleSet);
  const events = readEvents(join(RULES_DIR, 'pod-exec.stages.jsonl'));
  assert.equal(events.length, 2);
  assert.equal(events[0]!.auditID, events[1]!.auditID);
  const alerts = events.flatMap((e) => detector.evaluate(e));
  assert.deepEqual(
    alerts.map((a) => a.rule),
    ['pod-exec'],
  );
});

test('the benign corpus raises no alert, with every rule enabled', () => {
  const detector = createDetector(ruleSet);
  let count = 0;
  for (const file of readdirSync(BENIGN_DIR).sort()) {
    for (const event of readEvents(join(BENIGN_DIR, file))) {
      count++;
      const alerts = detector.evaluate(event);
      assert.deepEqual(
        alerts.map((a) => `${a.rule}: ${a.message}`),
        [],
        `${file}: ${event.auditID} (${event.user?.username} ${event.verb} ${event.requestURI})`,
      );
    }
  }
  assert.ok(count >= 100, `benign corpus has ${count} events`);
});

test('every shipped rule carries a MITRE ATT&CK technique, a title and a description', () => {
  for (const rule of loadRuntimeRules().rules) {
    assert.ok(rule.techniques.length > 0, `${rule.id}: no technique id in tags`);
    assert.ok(rule.title && rule.title !== rule.id, `${rule.id}: no title`);
    assert.ok(rule.description.length > 20, `${rule.id}: no description`);
  }
});

test('docs/runtime-rules.md describes every shipped rule', () => {
  const docs = readFileSync(DOCS, 'utf8');
  for (const rule of loadRuntimeRules().rules)
    assert.ok(docs.includes(`\`${rule.id}\``), `${rule.id} not in the docs`);
});

test('shipped sources have unique names', () => {
  const names = SHIPPED_RULE_SOURCES.map((s) => s.name);
  assert.equal(new Set(names).size, names.length);
});
