// Golden files: one per registered formatter, from the shared sample report with a fixed clock.
// Regenerate with UPDATE_GOLDEN=1 after an intended output change, and review the diff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FORMATTERS, formatReport } from '../../src/report/index.js';
import { SAMPLE_BASE_DIR, sampleReport } from './sample-report.js';

const GOLDEN_DIR = fileURLToPath(new URL('./golden/', import.meta.url));
const UPDATE = process.env['UPDATE_GOLDEN'] === '1';

for (const formatter of FORMATTERS.items) {
  test(`${formatter.id} output matches golden/${formatter.id}.golden`, () => {
    const actual = formatReport(sampleReport(), formatter.id, { color: false, baseDir: SAMPLE_BASE_DIR });
    const path = `${GOLDEN_DIR}${formatter.id}.golden`;
    if (UPDATE) writeFileSync(path, actual);
    assert.ok(existsSync(path), `missing ${path}; run with UPDATE_GOLDEN=1`);
    assert.equal(actual, readFileSync(path, 'utf8'));
  });
}

test('formatting is deterministic and does not mutate the report', () => {
  const report = sampleReport();
  const before = JSON.stringify(report);
  for (const id of FORMATTERS.keys()) {
    assert.equal(formatReport(report, id), formatReport(sampleReport(), id), id);
  }
  assert.equal(JSON.stringify(report), before);
});

test('every golden file belongs to a registered formatter', () => {
  const extra = readdirSync(GOLDEN_DIR)
    .filter((name) => name.endsWith('.golden'))
    .map((name) => name.slice(0, -'.golden'.length))
    .filter((id) => FORMATTERS.get(id) === undefined);
  assert.deepEqual(extra, []);
});
