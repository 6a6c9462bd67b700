import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { artifactLocation, buildSarifLog, FINGERPRINT_KEY, sarif } from '../../src/report/sarif.js';
import { describeErrors, loadSchemaValidator } from './schema-validator.js';
import { SAMPLE_BASE_DIR, emptyReport, sampleReport } from './sample-report.js';

const validate = loadSchemaValidator(new URL('../fixtures/schemas/sarif-schema-2.1.0.json', import.meta.url));

function parse(text: string): unknown {
  return JSON.parse(text);
}

test('the golden SARIF file is valid against the official SARIF 2.1.0 schema', () => {
  const golden = parse(readFileSync(new URL('./golden/sarif.golden', import.meta.url), 'utf8'));
  assert.ok(validate(golden), describeErrors(validate.errors));
});

test('SARIF output is valid with and without baseDir, and for an empty report', () => {
  for (const [report, baseDir] of [
    [sampleReport(), undefined],
    [sampleReport(), SAMPLE_BASE_DIR],
    [emptyReport(), undefined],
  ] as const) {
    const doc = parse(sarif.format(report, { color: false, ...(baseDir && { baseDir }) }));
    assert.ok(validate(doc), describeErrors(validate.errors));
  }
});

test('the schema check is not vacuous: a wrong level is rejected', () => {
  const log = buildSarifLog(sampleReport(), {});
  const doc = parse(JSON.stringify(log));
  assert.ok(validate(doc));
  const broken = parse(JSON.stringify(log).replace('"level":"error"', '"level":"fatal"'));
  assert.equal(validate(broken), false);
});

test('results point at rules by index, carry fingerprints and map severities to levels', () => {
  const report = sampleReport();
  const log = buildSarifLog(report, { baseDir: SAMPLE_BASE_DIR });
  const run = log.runs[0];
  assert.ok(run);
  const ids = run.tool.driver.rules.map((r) => r.id);
  assert.deepEqual(ids, [...ids].sort());
  assert.equal(run.results.length, report.findings.length);
  run.results.forEach((r, i) => {
    const f = report.findings[i];
    assert.ok(f);
    assert.equal(ids[r.ruleIndex], r.ruleId);
    assert.equal(r.partialFingerprints[FINGERPRINT_KEY], f.fingerprint);
  });
  const levels = Object.fromEntries(run.results.map((r) => [r.properties['severity'], r.level]));
  assert.deepEqual(levels, {
    critical: 'error',
    high: 'error',
    medium: 'warning',
    low: 'note',
    info: 'note',
  });
  for (const rule of run.tool.driver.rules) {
    assert.match(rule.properties['security-severity'], /^\d+\.\d$/);
    assert.ok(rule.help.markdown.includes('**Remediation:**'));
  }
  const noRef = run.tool.driver.rules.find((r) => r.id === 'image.allowed-registry');
  assert.equal(
    noRef?.helpUri,
    'https://example.com/docs/registries',
    'javascript: references never become helpUri',
  );
  assert.equal(run.invocations[0]?.toolExecutionNotifications.length, report.problems.length);
});

test('artifact URIs are relative to the base directory and percent-encoded', () => {
  const cases = [
    ['manifests/a.yaml', undefined, { uri: 'manifests/a.yaml', uriBaseId: '%SRCROOT%' }],
    [
      './manifests/web app/#1.yaml',
      undefined,
      { uri: 'manifests/web%20app/%231.yaml', uriBaseId: '%SRCROOT%' },
    ],
    ['/work/repo/k8s/a.yaml', '/work/repo', { uri: 'k8s/a.yaml', uriBaseId: '%SRCROOT%' }],
    ['/work/repo/k8s/a.yaml', '/work/repo/', { uri: 'k8s/a.yaml', uriBaseId: '%SRCROOT%' }],
    ['/work/repository/a.yaml', '/work/repo', { uri: 'file:///work/repository/a.yaml' }],
    ['/tmp/a.yaml', undefined, { uri: 'file:///tmp/a.yaml' }],
    ['C:\\src\\k8s\\a.yaml', 'C:\\src', { uri: 'k8s/a.yaml', uriBaseId: '%SRCROOT%' }],
    ['D:\\other\\a.yaml', 'C:\\src', { uri: 'file:///D:/other/a.yaml' }],
  ] as const;
  for (const [file, baseDir, expected] of cases)
    assert.deepEqual(artifactLocation(file, baseDir), expected, file);
});

test('the cluster-scoped object and the live object get logical locations; only files get physical ones', () => {
  const run = buildSarifLog(sampleReport(), {}).runs[0];
  assert.ok(run);
  const byObject = new Map(run.results.map((r) => [r.properties['object'], r.locations[0]]));
  assert.deepEqual(byObject.get('Namespace/tenant-a'), {
    logicalLocations: [{ name: 'tenant-a', fullyQualifiedName: 'Namespace/tenant-a', kind: 'resource' }],
  });
  assert.equal(
    byObject.get('ClusterRole/ops-admin')?.logicalLocations?.[0]?.fullyQualifiedName,
    'ClusterRole/ops-admin',
  );
  assert.deepEqual(byObject.get('Deployment/payments/api')?.physicalLocation?.region, {
    startLine: 3,
    startColumn: 1,
  });
});
