// JUnit XML for CI systems that render test reports (GitLab, Jenkins, Azure Pipelines): one testsuite per rule,
// one failing testcase per finding, a passing testcase for rules without findings, input problems as errors.
import type { Finding, RuleMeta } from '../core/finding.js';
import type { InputProblem, Report } from '../core/report.js';
import type { Formatter } from './formatter.js';
import { locationLabel, objectLabel, remediationOf, rulesOf } from './format-helpers.js';
import { escapeXml, escapeXmlAttribute } from './xml-text.js';

type Attributes = [string, string | number | undefined][];

function attrs(list: Attributes): string {
  return list
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeXmlAttribute(String(value))}"`)
    .join('');
}

function testcaseName(f: Finding): string {
  const label = objectLabel(f.target);
  return f.target.container ? `${label} (container ${f.target.container})` : label;
}

function failureBody(f: Finding, rule: RuleMeta | undefined): string {
  const lines = [
    f.detail,
    '',
    `Severity: ${f.severity}`,
    `Object: ${objectLabel(f.target)}`,
    ...(f.target.field ? [`Field: ${f.target.field}`] : []),
    `Location: ${locationLabel(f) ?? '(no source file)'}`,
    `Fingerprint: ${f.fingerprint}`,
  ];
  const remediation = remediationOf(f, rule);
  if (remediation) lines.push(`Remediation: ${remediation}`);
  return escapeXml(lines.join('\n'));
}

function findingCase(f: Finding, rule: RuleMeta | undefined): string {
  const head = attrs([
    ['classname', `kubeward.${f.ruleId}`],
    ['name', testcaseName(f)],
    ['file', f.location?.file],
    ['line', f.location?.line],
    ['time', 0],
  ]);
  const failure = attrs([
    ['message', f.title],
    ['type', f.severity],
  ]);
  return `    <testcase${head}>\n      <failure${failure}>${failureBody(f, rule)}</failure>\n    </testcase>`;
}

function passingCase(rule: RuleMeta): string {
  return `    <testcase${attrs([
    ['classname', `kubeward.${rule.id}`],
    ['name', 'no findings'],
    ['time', 0],
  ])}/>`;
}

function problemCase(p: InputProblem): string {
  const at =
    p.line === undefined ? p.file : `${p.file}:${p.line}${p.column === undefined ? '' : `:${p.column}`}`;
  const head = attrs([
    ['classname', 'kubeward.input'],
    ['name', at],
    ['file', p.file],
    ['line', p.line],
    ['time', 0],
  ]);
  const error = attrs([
    ['message', p.message],
    ['type', 'InputProblem'],
  ]);
  return `    <testcase${head}>\n      <error${error}>${escapeXml(p.message)}</error>\n    </testcase>`;
}

function suite(name: string, timestamp: string, counts: [number, number, number], cases: string[]): string {
  const [tests, failures, errors] = counts;
  const head = attrs([
    ['name', name],
    ['tests', tests],
    ['failures', failures],
    ['errors', errors],
    ['skipped', 0],
    ['time', 0],
    ['timestamp', timestamp],
  ]);
  return `  <testsuite${head}>\n${cases.join('\n')}\n  </testsuite>`;
}

export function formatJunit(report: Report): string {
  const byRule = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const list = byRule.get(f.ruleId);
    if (list) list.push(f);
    else byRule.set(f.ruleId, [f]);
  }

  const suites: string[] = [];
  let tests = 0;
  for (const rule of rulesOf(report)) {
    const findings = byRule.get(rule.id) ?? [];
    const cases = findings.length > 0 ? findings.map((f) => findingCase(f, rule)) : [passingCase(rule)];
    tests += cases.length;
    suites.push(suite(rule.id, report.generatedAt, [cases.length, findings.length, 0], cases));
  }
  if (report.problems.length > 0) {
    const cases = report.problems.map(problemCase);
    tests += cases.length;
    suites.push(suite('input-problems', report.generatedAt, [cases.length, 0, cases.length], cases));
  }

  const root = attrs([
    ['name', `${report.tool.name} ${report.tool.version}`],
    ['tests', tests],
    ['failures', report.findings.length],
    ['errors', report.problems.length],
    ['time', 0],
    ['timestamp', report.generatedAt],
  ]);
  const body = suites.length > 0 ? `\n${suites.join('\n')}\n` : '\n';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${root}>${body}</testsuites>\n`;
}

export const junit: Formatter = {
  id: 'junit',
  description: 'JUnit XML: a testsuite per rule, a failing testcase per finding',
  extension: 'xml',
  format: (report) => formatJunit(report),
};
