import { test } from 'node:test';
import assert from 'node:assert/strict';
import { json, buildJsonReport } from '../../src/report/json.js';
import { sampleReport } from './sample-report.js';

test('streamed JSON equals the whole document pretty-printed', () => {
  const report = sampleReport();
  const expected = `${JSON.stringify(buildJsonReport(report), null, 2)}\n`;
  assert.equal([...json.chunks!(report, { color: false })].join(''), expected);
  const empty = { ...report, findings: [] };
  assert.equal(json.format(empty, { color: false }), `${JSON.stringify(buildJsonReport(empty), null, 2)}\n`);
});
