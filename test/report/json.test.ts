import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildJsonReport, json } from '../../src/report/json.js';
import { describeErrors, loadSchemaValidator } from './schema-validator.js';
import { emptyReport, sampleReport } from './sample-report.js';

const validate = loadSchemaValidator(new URL('../../docs/report.schema.json', import.meta.url));

test('the golden JSON report is valid against docs/report.schema.json', () => {
  const golden: unknown = JSON.parse(readFileSync(new URL('./golden/json.golden', import.meta.url), 'utf8'));
  assert.ok(validate(golden), describeErrors(validate.errors));
  const empty: unknown = JSON.parse(json.format(emptyReport(), { color: false }));
  assert.ok(validate(empty), describeErrors(validate.errors));
});

test('the schema check is not vacuous: a finding without fingerprint or with half a location is rejected', () => {
  const doc = buildJsonReport(sampleReport());
  const first = doc.findings[0];
  assert.ok(first);
  const { fingerprint: _fingerprint, ...noFingerprint } = first;
  assert.equal(validate({ ...doc, findings: [noFingerprint] }), false);
  const { file: _file, ...noFile } = first;
  assert.equal(validate({ ...doc, findings: [noFile] }), false);
});

test('manifest findings carry file and line at the top level; live objects carry neither', () => {
  const report = sampleReport();
  const doc = buildJsonReport(report);
  assert.equal(doc.schemaVersion, 1);
  doc.findings.forEach((f, i) => {
    const source = report.findings[i];
    assert.ok(source);
    assert.equal(f.fingerprint, source.fingerprint);
    assert.equal(f.file, source.location?.file);
    assert.equal(f.line, source.location?.line);
  });
  const live = doc.findings.find((f) => f.target.kind === 'Namespace');
  assert.ok(live);
  assert.equal('file' in live || 'line' in live || 'location' in live, false);
});

test('the summary counts findings by severity and problems', () => {
  const doc = buildJsonReport(sampleReport());
  assert.deepEqual(doc.summary, {
    total: 8,
    bySeverity: { critical: 1, high: 3, medium: 2, low: 1, info: 1 },
    problems: 2,
    objects: 14,
    files: 5,
  });
});

const DOC = readFileSync(new URL('../../docs/report-json.md', import.meta.url), 'utf8');

test('the example in docs/report-json.md is valid against the schema', () => {
  const block = /```json\n([\s\S]*?)\n```/.exec(DOC)?.[1];
  assert.ok(block, 'docs/report-json.md has a json example');
  assert.ok(validate(JSON.parse(block)), describeErrors(validate.errors));
});

test('docs/report-json.md describes every property of the schema', () => {
  const schema: unknown = JSON.parse(
    readFileSync(new URL('../../docs/report.schema.json', import.meta.url), 'utf8'),
  );
  const names = new Set<string>();
  const walk = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    const schemaNode = node as { properties?: object; items?: unknown; $defs?: object };
    for (const [name, sub] of Object.entries(schemaNode.properties ?? {})) {
      names.add(name);
      walk(sub);
    }
    walk(schemaNode.items);
    Object.values(schemaNode.$defs ?? {}).forEach(walk);
  };
  walk(schema);
  const missing = [...names].filter((name) => !DOC.includes(`\`${name}\``));
  assert.deepEqual(missing, []);
});
