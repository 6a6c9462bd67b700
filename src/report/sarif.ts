// SARIF 2.1.0 for code-scanning services (GitHub, Azure DevOps). Validated in tests against the official schema
// (test/fixtures/schemas/sarif-schema-2.1.0.json). GitHub reads `security-severity`, `partialFingerprints`
// and a physical location relative to the repository root.
import type { Finding, RuleMeta } from '../core/finding.js';
import type { InputProblem, Report } from '../core/report.js';
import type { Severity } from '../core/severity.js';
import type { FormatOptions, Formatter } from './formatter.js';
import { TOOL_INFORMATION_URI, isWebUrl, objectLabel, rulesOf } from './format-helpers.js';

export const SARIF_SCHEMA_URI =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** The uriBaseId of relative artifact URIs; code-scanning services resolve it to the checkout root. */
export const SRCROOT = '%SRCROOT%';

/** Key of `result.partialFingerprints`; bump the version if the fingerprint recipe ever changes. */
export const FINGERPRINT_KEY = 'kubeward/v1';

type SarifLevel = 'error' | 'warning' | 'note';

const LEVEL: Record<Severity, SarifLevel> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/**
 * GitHub buckets `security-severity` as critical > 9.0, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9; info has
 * no bucket of its own and lands in low. A string holding a number, as GitHub's documentation and CodeQL use.
 */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.5',
};

interface SarifMessage {
  text: string;
  markdown?: string;
}

interface SarifArtifactLocation {
  uri: string;
  uriBaseId?: string;
}

interface SarifPhysicalLocation {
  artifactLocation: SarifArtifactLocation;
  region?: { startLine: number; startColumn?: number };
}

interface SarifLocation {
  physicalLocation?: SarifPhysicalLocation;
  logicalLocations?: { name: string; fullyQualifiedName: string; kind: string }[];
}

interface SarifRule {
  id: string;
  name: string;
  shortDescription: SarifMessage;
  fullDescription: SarifMessage;
  help: Required<SarifMessage>;
  helpUri?: string;
  defaultConfiguration: { level: SarifLevel };
  properties: { tags: string[]; 'security-severity': string; precision: string };
}

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: SarifLevel;
  message: SarifMessage;
  locations: SarifLocation[];
  partialFingerprints: Record<string, string>;
  properties: Record<string, unknown>;
}

interface SarifNotification {
  level: SarifLevel;
  message: SarifMessage;
  locations: SarifLocation[];
}

export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: {
    tool: {
      driver: {
        name: string;
        version: string;
        semanticVersion: string;
        informationUri: string;
        rules: SarifRule[];
      };
    };
    invocations: {
      executionSuccessful: boolean;
      endTimeUtc: string;
      toolExecutionNotifications: SarifNotification[];
    }[];
    originalUriBaseIds?: Record<string, { uri: string }>;
    columnKind: 'utf16CodeUnits';
    results: SarifResult[];
  }[];
}

/** `workload.run-as-root` -> `WorkloadRunAsRoot`: SARIF wants an identifier-like `name`. */
function pascalName(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part.length > 0)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}

function encodePath(path: string): string {
  return path
    .split('/')
    .map((segment, i) => (i <= 1 && /^[A-Za-z]:$/.test(segment) ? segment : encodeURIComponent(segment)))
    .join('/');
}

function isAbsolute(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:\//.test(path);
}

function fileUri(absolute: string): string {
  return `file://${absolute.startsWith('/') ? '' : '/'}${encodePath(absolute)}`;
}

/** `baseDir` in URI path form with exactly one trailing slash; undefined unless it is absolute. */
function baseDirPath(baseDir: string | undefined): string | undefined {
  if (baseDir === undefined) return undefined;
  const path = baseDir.replace(/\\/g, '/');
  return isAbsolute(path) ? `${path.replace(/\/+$/, '')}/` : undefined;
}

/**
 * A relative path becomes a URI relative to %SRCROOT%; an absolute one is made relative to `baseDir` when it
 * lies inside it, and otherwise stays an absolute `file://` URI (which code-scanning services ignore).
 */
export function artifactLocation(file: string, baseDir: string | undefined): SarifArtifactLocation {
  const path = file.replace(/\\/g, '/');
  if (!isAbsolute(path)) return { uri: encodePath(path.replace(/^(\.\/)+/, '')), uriBaseId: SRCROOT };
  const base = baseDirPath(baseDir);
  if (base !== undefined && path.startsWith(base)) {
    return { uri: encodePath(path.slice(base.length)), uriBaseId: SRCROOT };
  }
  return { uri: fileUri(path) };
}

function region(line: number | undefined, column: number | undefined): SarifPhysicalLocation['region'] {
  if (line === undefined || line < 1) return undefined;
  return column !== undefined && column > 0 ? { startLine: line, startColumn: column } : { startLine: line };
}

function physicalLocation(
  file: string,
  line: number | undefined,
  column: number | undefined,
  baseDir: string | undefined,
): SarifPhysicalLocation {
  const r = region(line, column);
  return { artifactLocation: artifactLocation(file, baseDir), ...(r && { region: r }) };
}

function toRule(rule: RuleMeta): SarifRule {
  const refs = rule.references.filter(isWebUrl);
  const helpUri = refs[0];
  const refText = refs.length > 0 ? `\n\nReferences:\n${refs.map((r) => `- ${r}`).join('\n')}` : '';
  const refMarkdown =
    refs.length > 0 ? `\n\n**References**\n\n${refs.map((r) => `- <${r}>`).join('\n')}` : '';
  const remediation = rule.remediation || 'No remediation documented.';
  return {
    id: rule.id,
    name: pascalName(rule.id),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.description },
    help: {
      text: `${rule.description}\n\nRemediation: ${remediation}${refText}`,
      markdown: `${rule.description}\n\n**Remediation:** ${remediation}${refMarkdown}`,
    },
    ...(helpUri !== undefined && { helpUri }),
    defaultConfiguration: { level: LEVEL[rule.severity] },
    properties: {
      tags: [...new Set(['security', 'kubernetes', rule.category])],
      'security-severity': SECURITY_SEVERITY[rule.severity],
      precision: 'high',
    },
  };
}

function toResult(f: Finding, ruleIndex: number, baseDir: string | undefined): SarifResult {
  const label = objectLabel(f.target);
  const location: SarifLocation = {
    ...(f.location && {
      physicalLocation: physicalLocation(f.location.file, f.location.line, f.location.column, baseDir),
    }),
    logicalLocations: [{ name: f.target.name, fullyQualifiedName: label, kind: 'resource' }],
  };
  return {
    ruleId: f.ruleId,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: `${label}: ${f.detail}` },
    locations: [location],
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    properties: {
      severity: f.severity,
      category: f.category,
      title: f.title,
      object: label,
      ...(f.target.container !== undefined && { container: f.target.container }),
      ...(f.target.field !== undefined && { field: f.target.field }),
      ...(f.properties !== undefined && { details: f.properties }),
    },
  };
}

function toNotification(p: InputProblem, baseDir: string | undefined): SarifNotification {
  return {
    level: 'error',
    message: { text: p.message },
    locations: [{ physicalLocation: physicalLocation(p.file, p.line, p.column, baseDir) }],
  };
}

export function buildSarifLog(report: Report, options: Pick<FormatOptions, 'baseDir'>): SarifLog {
  const baseDir = options.baseDir;
  const base = baseDirPath(baseDir);
  const rules = rulesOf(report);
  const index = new Map(rules.map((r, i) => [r.id, i]));
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: report.tool.name,
            version: report.tool.version,
            semanticVersion: report.tool.version,
            informationUri: TOOL_INFORMATION_URI,
            rules: rules.map(toRule),
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            endTimeUtc: report.generatedAt,
            toolExecutionNotifications: report.problems.map((p) => toNotification(p, baseDir)),
          },
        ],
        ...(base !== undefined && { originalUriBaseIds: { [SRCROOT]: { uri: fileUri(base) } } }),
        columnKind: 'utf16CodeUnits',
        // rulesOf() covers every finding's rule id, so the index lookup cannot miss.
        results: report.findings.map((f) => toResult(f, index.get(f.ruleId) ?? -1, baseDir)),
      },
    ],
  };
}

export const sarif: Formatter = {
  id: 'sarif',
  description: 'SARIF 2.1.0 for GitHub code scanning and other SARIF viewers',
  extension: 'sarif',
  format: (report, options) => `${JSON.stringify(buildSarifLog(report, options), null, 2)}\n`,
};
