// The machine-readable report. Versioned and documented (docs/report-json.md, docs/report.schema.json): other
// tools parse it, so fields are only ever added within one schemaVersion, never renamed or removed.
import type { Finding, FindingTarget, RuleMeta, SourceLocation } from '../core/finding.js';
import type { InputProblem, Report, SeverityCounts } from '../core/report.js';
import { countBySeverity } from '../core/report.js';
import type { Severity } from '../core/severity.js';
import type { Formatter } from './formatter.js';
import { rulesOf } from './format-helpers.js';

export const JSON_REPORT_SCHEMA_VERSION = 1;

export interface JsonFinding {
  ruleId: string;
  severity: Severity;
  title: string;
  detail: string;
  category: string;
  target: FindingTarget;
  /** Copy of `location.file` at the top level, where CI annotators look for it. */
  file?: string;
  /** Copy of `location.line`. */
  line?: number;
  location?: SourceLocation;
  remediation?: string;
  references?: string[];
  fingerprint: string;
  properties?: Record<string, unknown>;
}

export interface JsonRule {
  id: string;
  severity: Severity;
  title: string;
  description: string;
  remediation: string;
  references: string[];
  category: string;
}

export interface JsonReport {
  schemaVersion: typeof JSON_REPORT_SCHEMA_VERSION;
  tool: { name: string; version: string };
  generatedAt: string;
  inputs: string[];
  summary: {
    total: number;
    bySeverity: SeverityCounts;
    problems: number;
    objects: number;
    files: number;
  };
  rules: JsonRule[];
  findings: JsonFinding[];
  problems: InputProblem[];
}

function toJsonTarget(t: FindingTarget): FindingTarget {
  // Fixed key order so output does not depend on how the producer built the object.
  return {
    kind: t.kind,
    name: t.name,
    ...(t.namespace !== undefined && { namespace: t.namespace }),
    ...(t.apiVersion !== undefined && { apiVersion: t.apiVersion }),
    ...(t.container !== undefined && { container: t.container }),
    ...(t.field !== undefined && { field: t.field }),
  };
}

function toJsonFinding(f: Finding): JsonFinding {
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    title: f.title,
    detail: f.detail,
    category: f.category,
    target: toJsonTarget(f.target),
    ...(f.location && {
      file: f.location.file,
      line: f.location.line,
      location: { file: f.location.file, line: f.location.line, column: f.location.column },
    }),
    fingerprint: f.fingerprint,
    ...(f.properties !== undefined && { properties: f.properties }),
  };
}

function toJsonRule(r: RuleMeta): JsonRule {
  return {
    id: r.id,
    severity: r.severity,
    title: r.title,
    description: r.description,
    remediation: r.remediation,
    references: [...r.references],
    category: r.category,
  };
}

function toJsonProblem(p: InputProblem): InputProblem {
  return {
    file: p.file,
    ...(p.line !== undefined && { line: p.line }),
    ...(p.column !== undefined && { column: p.column }),
    message: p.message,
  };
}

/** Everything but the findings; the summary still counts every finding. */
function buildJsonHead(report: Report): Omit<JsonReport, 'findings'> {
  return {
    schemaVersion: JSON_REPORT_SCHEMA_VERSION,
    tool: { name: report.tool.name, version: report.tool.version },
    generatedAt: report.generatedAt,
    inputs: [...report.inputs],
    summary: {
      total: report.findings.length,
      bySeverity: countBySeverity(report.findings),
      problems: report.problems.length,
      objects: report.stats.objects,
      files: report.stats.files,
    },
    rules: rulesOf(report).map(toJsonRule),
    problems: report.problems.map(toJsonProblem),
  };
}

export function buildJsonReport(report: Report): JsonReport {
  const { problems, ...head } = buildJsonHead(report);
  return { ...head, findings: report.findings.map(toJsonFinding), problems };
}

const FINDINGS_PLACEHOLDER = '"findings": []';

/**
 * The document, pretty-printed exactly as `JSON.stringify(buildJsonReport(report), null, 2)`, but with the
 * findings rendered one at a time, so the report of a 100,000-object scan never has to exist as one string.
 */
function* jsonChunks(report: Report): Generator<string> {
  const { problems, ...head } = buildJsonHead(report);
  const text = JSON.stringify({ ...head, findings: [], problems }, null, 2);
  const split = text.indexOf(FINDINGS_PLACEHOLDER);
  if (report.findings.length === 0 || split < 0) {
    yield `${text}\n`;
    return;
  }
  yield `${text.slice(0, split)}"findings": [\n`;
  const last = report.findings.length - 1;
  for (let index = 0; index <= last; index++) {
    const finding = JSON.stringify(toJsonFinding(report.findings[index]!), null, 2).replace(/\n/g, '\n    ');
    yield `    ${finding}${index < last ? ',' : ''}\n`;
  }
  yield `  ]${text.slice(split + FINDINGS_PLACEHOLDER.length)}\n`;
}

export const json: Formatter = {
  id: 'json',
  description: 'versioned JSON document (docs/report-json.md)',
  extension: 'json',
  format: (report) => [...jsonChunks(report)].join(''),
  chunks: (report) => jsonChunks(report),
};
