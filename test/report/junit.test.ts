import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFinding } from '../../src/core/finding.js';
import { formatJunit } from '../../src/report/junit.js';
import { parseXml } from './xml-check.js';
import type { XmlElement } from './xml-check.js';
import { HOSTILE_NAME, HOSTILE_TITLE, emptyReport, sampleReport } from './sample-report.js';

function all(root: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  const walk = (e: XmlElement): void => {
    if (e.name === name) out.push(e);
    e.children.forEach(walk);
  };
  walk(root);
  return out;
}

test('the xml checker itself rejects malformed documents', () => {
  const bad = [
    '<a><b></a></b>',
    '<a x="1" x="2"/>',
    '<a>fish & chips</a>',
    '<a>1 < 2</a>',
    '<a/><b/>',
    '<a>\u0001</a>',
    '<a',
    '<a x=1/>',
  ];
  for (const xml of bad) assert.throws(() => parseXml(xml), Error, xml);
  assert.equal(parseXml('<a x="&lt;&amp;"><b/>t&#38;</a>').attributes['x'], '<&');
});

test('JUnit output is well-formed XML with a suite per rule and a failure per finding', () => {
  const report = sampleReport();
  const root = parseXml(formatJunit(report));
  assert.equal(root.name, 'testsuites');
  const suites = all(root, 'testsuite');
  assert.deepEqual(
    suites.map((s) => s.attributes['name']),
    [...[...new Set(report.rules.map((r) => r.id))].sort(), 'input-problems'],
  );
  assert.equal(all(root, 'failure').length, report.findings.length);
  assert.equal(all(root, 'error').length, report.problems.length);
  assert.equal(root.attributes['failures'], String(report.findings.length));
  assert.equal(root.attributes['errors'], String(report.problems.length));
  assert.equal(root.attributes['tests'], String(all(root, 'testcase').length));
  for (const s of suites) {
    assert.equal(s.attributes['tests'], String(s.children.length), s.attributes['name']);
    assert.equal(s.attributes['failures'], String(all(s, 'failure').length), s.attributes['name']);
  }
});

test('hostile text round-trips through XML escaping unchanged, control characters replaced', () => {
  const root = parseXml(formatJunit(sampleReport()));
  const failure = all(root, 'failure').find((f) => f.attributes['message'] === HOSTILE_TITLE);
  assert.ok(failure, 'the hostile title is carried verbatim as the failure message');
  assert.ok(failure.text.includes('<b>bold</b>\ufffd[2J'));
  assert.ok(
    all(root, 'testcase').some((c) => c.attributes['name']?.startsWith(`Deployment/web/${HOSTILE_NAME}`)),
  );
});

test('attribute values keep line breaks and lone surrogates are replaced', () => {
  const report = emptyReport();
  report.findings = [
    makeFinding({
      ruleId: 'workload.privileged',
      severity: 'critical',
      title: 'two\nlines\ud800',
      detail: 'tab\there',
      category: 'workloads',
      target: { kind: 'Pod', name: 'p', namespace: 'n' },
    }),
  ];
  const root = parseXml(formatJunit(report));
  assert.equal(all(root, 'failure')[0]?.attributes['message'], 'two\nlines\ufffd');
});

test('a rule without findings is one passing testcase', () => {
  const root = parseXml(formatJunit(emptyReport()));
  const cases = all(root, 'testcase');
  assert.equal(cases.length, 1);
  assert.equal(cases[0]?.children.length, 0);
  assert.equal(root.attributes['failures'], '0');
});
