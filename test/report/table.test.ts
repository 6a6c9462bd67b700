import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeFinding } from '../../src/core/finding.js';
import { formatTable } from '../../src/report/table.js';
import { visibleText } from '../../src/report/terminal-text.js';
import { emptyReport, sampleReport } from './sample-report.js';

const ESC = '\u001b';

test('plain output has no escape codes and ends with the summary line', () => {
  const out = formatTable(sampleReport(), { color: false });
  assert.equal(out.includes(ESC), false);
  const lines = out.trimEnd().split('\n');
  assert.equal(lines.at(-1), '8 findings: 1 critical, 3 high, 2 medium, 1 low, 1 info; 2 input problems');
  assert.ok(
    out.includes('Input problems (2)\n  manifests/broken.yaml:7:5  bad indentation of a mapping entry'),
  );
});

test('finding columns line up across groups', () => {
  const out = formatTable(sampleReport(), { color: false });
  const rows = out.split('\n').filter((l) => /^ {2}(CRITICAL|HIGH|MEDIUM|LOW|INFO) /.test(l));
  assert.equal(rows.length, sampleReport().findings.length);
  // Severity and rule id contain no spaces, so the padding after them shows where the title starts.
  const titleColumns = new Set(rows.map((l) => /^ {2}\S+ +\S+ +/.exec(l)?.[0].length));
  assert.equal(titleColumns.size, 1);
});

test('colour wraps severities only, and hostile escape sequences stay visible', () => {
  const out = formatTable(sampleReport(), { color: true });
  assert.ok(out.includes(`${ESC}[1;31mCRITICAL${ESC}[0m`));
  assert.ok(out.includes('\\x1b[2J'), 'the escape sequence in the detail is shown, not executed');
  const codes = out.match(new RegExp(`${ESC}\\[[0-9;]*m`, 'g')) ?? [];
  assert.equal(out.split(ESC).length - 1, codes.length, 'every ESC starts one of our colour codes');
  const ours = new Set(['0', '1', '2', '31', '1;31', '33', '36'].map((c) => `${ESC}[${c}m`));
  for (const code of new Set(codes)) assert.ok(ours.has(code), JSON.stringify(code));
});

test('control and bidi characters become visible text', () => {
  assert.equal(visibleText('a\u0007b\u202ec\u009bd\te'), 'a\\x07b\\u{202e}c\\x9bd\\x09e');
  const report = emptyReport();
  report.findings = [
    makeFinding({
      ruleId: 'workload.privileged',
      severity: 'critical',
      title: 'evil\u202eeliF',
      detail: 'line one\nline two',
      category: 'workloads',
      target: { kind: 'Pod', name: `x${ESC}]0;owned${ESC}\\`, namespace: 'n' },
    }),
  ];
  const out = formatTable(report, { color: false });
  assert.equal(out.includes(ESC), false);
  assert.ok(out.includes('evil\\u{202e}eliF'));
  assert.ok(out.includes('line one\\x0aline two'));
});

test('an empty report prints only the counts', () => {
  assert.equal(
    formatTable(emptyReport(), { color: false }),
    'Scanned 3 objects in 1 file.\n0 findings: 0 critical, 0 high, 0 medium, 0 low, 0 info; 0 input problems\n',
  );
});
