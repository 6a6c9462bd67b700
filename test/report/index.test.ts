import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../src/core/errors.js';
import { FORMATTERS, formatReport } from '../../src/report/index.js';
import { emptyReport, sampleReport } from './sample-report.js';

test('FORMATTERS lists the formats in their documented order', () => {
  assert.deepEqual(FORMATTERS.keys(), ['table', 'json', 'sarif', 'html', 'junit']);
  for (const f of FORMATTERS.items) {
    assert.ok(f.description.length > 0, f.id);
    assert.match(f.extension, /^[a-z]+$/, f.id);
  }
});

test('formatReport rejects an unknown format with a UsageError naming the choices', () => {
  assert.throws(
    () => formatReport(sampleReport(), 'yaml'),
    (error: unknown) =>
      error instanceof UsageError &&
      error.code === 'USAGE' &&
      /table, json, sarif, html, junit/.test(error.message),
  );
});

test('every formatter handles a report with no findings and no problems', () => {
  for (const id of FORMATTERS.keys()) {
    const out = formatReport(emptyReport(), id);
    assert.ok(out.endsWith('\n'), id);
  }
});
