// The drift report as kubeward Findings, so the shared SARIF and HTML formatters render it: one finding per
// drift item, per new digest and per image of unknown origin; what could not be scanned becomes report problems.
import { type Finding, type RuleMeta, makeFinding, sortFindings } from '../../../core/finding.js';
import type { Report } from '../../../core/report.js';
import { findingSeverity } from '../../../detect/report.js';
import { formatReport } from '../../../report/index.js';
import type { DriftReport, DriftVuln, ImageDrift } from '../drift.js';
import type { DriftFormatter } from './formatter.js';

const CATEGORY = 'registry';

const RULES = {
  newVulnerability: {
    id: 'registry-drift/new-vulnerability',
    severity: 'high',
    title: 'New vulnerability in an unchanged image',
    description: 'An advisory published since the last scan affects a package in this image digest.',
    remediation: 'Rebuild the image on patched packages, or record a VEX statement when not affected.',
    references: [],
    category: CATEGORY,
  },
  fixAvailable: {
    id: 'registry-drift/fix-available',
    severity: 'medium',
    title: 'A fix became available',
    description: 'A vulnerability known at the last scan now has a fixed version.',
    remediation: 'Upgrade the package to the fixed version and rebuild the image.',
    references: [],
    category: CATEGORY,
  },
  disappeared: {
    id: 'registry-drift/vulnerability-gone',
    severity: 'info',
    title: 'Vulnerability no longer reported',
    description:
      'A vulnerability reported at the last scan is no longer matched (withdrawn or corrected advisory).',
    remediation: 'Nothing to do; exceptions kept for it can be removed.',
    references: [],
    category: CATEGORY,
  },
  newImage: {
    id: 'registry-drift/new-image',
    severity: 'info',
    title: 'Image digest scanned for the first time',
    description: 'This digest had never been scanned before this run.',
    remediation: 'Review its vulnerabilities.',
    references: [],
    category: CATEGORY,
  },
  unknownOrigin: {
    id: 'registry-drift/unknown-origin',
    severity: 'high',
    title: 'Image of unknown origin',
    description:
      'The image carries no signature the trust policy accepts and its digest is not in the build ledger.',
    remediation:
      'Find out who pushed it; sign images in CI or record builds with `image scan --record-build`.',
    references: [],
    category: CATEGORY,
  },
} satisfies Record<string, RuleMeta>;

function vulnFinding(rule: RuleMeta, image: ImageDrift, v: DriftVuln): Finding {
  const severity = rule.severity === 'info' ? 'info' : findingSeverity(v.severity);
  return makeFinding({
    ruleId: rule.id,
    severity,
    title: `${v.id} in ${v.package} (${image.repository}@${image.digest.slice(0, 19)})`,
    detail:
      `${rule.title}: ${v.id} in ${v.package}, status ${v.status}` +
      `${v.previous ? ` (was ${v.previous.status})` : ''}; ` +
      `${v.fixedIn.length > 0 ? `fixed in ${v.fixedIn.join(', ')}` : 'no fix'}; severity ${v.severity}.`,
    category: CATEGORY,
    target: { kind: 'Image', name: `${image.repository}@${image.digest}`, field: `${v.package} ${v.id}` },
    remediation: rule.remediation,
    properties: {
      digest: image.digest,
      references: image.references,
      vulnerabilityId: v.id,
      aliases: v.aliases,
      package: v.package,
      status: v.status,
      fixedIn: v.fixedIn,
      ...(v.previous ? { previous: v.previous } : {}),
    },
  });
}

function imageFinding(rule: RuleMeta, image: ImageDrift, detail: string): Finding {
  return makeFinding({
    ruleId: rule.id,
    severity: rule.severity,
    title: `${rule.title}: ${image.repository}@${image.digest.slice(0, 19)}`,
    detail,
    category: CATEGORY,
    target: { kind: 'Image', name: `${image.repository}@${image.digest}` },
    remediation: rule.remediation,
    properties: { digest: image.digest, references: image.references },
  });
}

export function driftFindingsReport(report: DriftReport): Report {
  const findings: Finding[] = [];
  for (const image of report.images) {
    for (const v of image.newVulnerabilities) findings.push(vulnFinding(RULES.newVulnerability, image, v));
    for (const v of image.fixAvailable) findings.push(vulnFinding(RULES.fixAvailable, image, v));
    for (const v of image.disappeared) findings.push(vulnFinding(RULES.disappeared, image, v));
    if (image.isNew && image.dbVersion) {
      findings.push(
        imageFinding(
          RULES.newImage,
          image,
          `${image.vulnerabilities ?? 0} vulnerabilities; tags ${image.references.join(', ')}`,
        ),
      );
    }
    if (image.origin === 'unknown') {
      findings.push(
        imageFinding(RULES.unknownOrigin, image, image.originDetail ?? RULES.unknownOrigin.description),
      );
    }
  }
  const notScanned = report.images
    .filter((i) => i.state === 'failed' || i.state === 'not-scanned')
    .map((i) => ({
      file: `${i.repository}@${i.digest}`,
      message:
        i.state === 'failed' ? `not scanned: ${i.error ?? 'failed'}` : 'not scanned: the run stopped first',
    }));
  return {
    tool: report.tool,
    generatedAt: report.generatedAt,
    inputs: [report.target],
    findings: sortFindings(findings),
    rules: Object.values(RULES).sort((a, b) => (a.id < b.id ? -1 : 1)),
    problems: [...notScanned, ...report.problems.map((message) => ({ file: report.target, message }))],
    stats: { objects: report.summary.digests, files: 0 },
  };
}

function viaReport(id: 'sarif' | 'html', description: string): DriftFormatter {
  return {
    id,
    description,
    format: (report, options) =>
      formatReport(driftFindingsReport(report), id, {
        color: false,
        ...(options.baseDir ? { baseDir: options.baseDir } : {}),
      }),
  };
}

export const driftSarif = viaReport(
  'sarif',
  'SARIF 2.1.0: one result per drift item, new image and unknown origin',
);
export const driftHtml = viaReport('html', 'one self-contained HTML page of the drift findings');
