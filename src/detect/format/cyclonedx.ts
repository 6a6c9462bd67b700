/**
 * CycloneDX 1.6 with a `vulnerabilities` section: the inventory's own SBOM (the same document `image sbom`
 * writes) plus one vulnerability per id, `affects` pointing at the package components by bom-ref. Matches that
 * VEX suppressed stay in, with an `analysis` saying so, so the document is also a VEX for downstream tools.
 */
import { cyclonedxFormatter } from '../../inventory/sbom/cyclonedx.js';
import { packageKey } from '../../inventory/sbom/ids.js';
import type { VulnMatch } from '../model.js';
import type { SuppressedMatch, VulnReport } from '../report.js';

type Json = Record<string, unknown>;

const METHOD: Record<string, string> = { 'CVSS:3.0': 'CVSSv3', 'CVSS:3.1': 'CVSSv31', 'CVSS:4.0': 'CVSSv4' };

/** OpenVEX justification -> the nearest CycloneDX impact-analysis justification. */
const JUSTIFICATION: Record<string, string> = {
  component_not_present: 'code_not_present',
  vulnerable_code_not_present: 'code_not_present',
  vulnerable_code_not_in_execute_path: 'code_not_reachable',
  vulnerable_code_cannot_be_controlled_by_adversary: 'requires_environment',
  inline_mitigations_already_exist: 'protected_by_mitigating_control',
};

export function formatVulnCycloneDx(report: VulnReport, toolVersion: string): string {
  const bom = JSON.parse(
    cyclonedxFormatter.format(report.inventory, { generatedAt: report.generatedAt, toolVersion }),
  ) as Json;
  const byId = new Map<string, { first: VulnMatch; affects: Json[]; suppressed?: SuppressedMatch['by'] }>();
  const add = (m: VulnMatch, suppressed?: SuppressedMatch['by']): void => {
    const key = suppressed ? `${m.id}\u0000vex` : m.id;
    const entry = byId.get(key) ?? { first: m, affects: [], ...(suppressed ? { suppressed } : {}) };
    entry.affects.push({
      ref: `${m.package.purl}#${packageKey(m.package)}`,
      versions: [{ version: m.package.version, status: suppressed ? 'unaffected' : 'affected' }],
    });
    byId.set(key, entry);
  };
  for (const m of report.matches) add(m);
  for (const s of report.suppressed) add(s.match, s.by);
  const vulnerabilities = [...byId.values()].map(({ first: m, affects, suppressed }) => ({
    'bom-ref': `vuln:${m.id}${suppressed ? ':vex' : ''}`,
    id: m.id,
    source: { name: 'OSV', url: `https://osv.dev/vulnerability/${encodeURIComponent(m.id)}` },
    ...(m.aliases.length > 0
      ? {
          references: m.aliases.map((id) => ({
            id,
            source: { name: id.startsWith('CVE-') ? 'NVD' : 'OSV', url: aliasUrl(id) },
          })),
        }
      : {}),
    ratings: [
      {
        severity: m.severity.level,
        ...(m.severity.score !== undefined ? { score: m.severity.score } : {}),
        method: METHOD[m.severity.source] ?? 'other',
        ...(m.severity.vector ? { vector: m.severity.vector } : {}),
        justification: `severity from ${m.severity.source}`,
      },
    ],
    ...(m.summary ? { description: m.summary } : {}),
    ...(m.fixedIn.length > 0
      ? { recommendation: `Upgrade ${m.package.name} to ${m.fixedIn.join(' or ')}.` }
      : {}),
    ...(m.references.length > 0 ? { advisories: m.references.map((url) => ({ url })) } : {}),
    ...(m.published && isDateTime(m.published) ? { published: m.published } : {}),
    ...(isDateTime(m.modified) ? { updated: m.modified } : {}),
    analysis: suppressed ? vexAnalysis(suppressed) : statusAnalysis(m),
    affects,
    properties: [
      { name: 'kubeward:vendor-status', value: m.status },
      ...(m.fixedIn.length > 0 ? [{ name: 'kubeward:fixed-in', value: m.fixedIn.join(', ') }] : []),
    ],
  }));
  return `${JSON.stringify({ ...bom, vulnerabilities }, null, 2)}\n`;
}

function statusAnalysis(m: VulnMatch): Json {
  switch (m.status) {
    case 'fixed':
      return { state: 'exploitable', response: ['update'], detail: `fixed in ${m.fixedIn.join(', ')}` };
    case 'will-not-fix':
      return {
        state: 'exploitable',
        response: ['will_not_fix'],
        ...(m.statusReason ? { detail: m.statusReason } : {}),
      };
    case 'not-fixed':
      return { state: 'exploitable', response: ['can_not_fix'], detail: 'no fixed version published yet' };
    default:
      return { state: 'in_triage' };
  }
}

function vexAnalysis(by: SuppressedMatch['by']): Json {
  const justification = by.justification ? JUSTIFICATION[by.justification] : undefined;
  return {
    state: by.status === 'fixed' ? 'resolved' : 'not_affected',
    ...(justification ? { justification } : {}),
    detail: [`OpenVEX ${by.status}`, by.justification, by.impactStatement, by.source]
      .filter(Boolean)
      .join('; '),
  };
}

function aliasUrl(id: string): string {
  return id.startsWith('CVE-')
    ? `https://nvd.nist.gov/vuln/detail/${encodeURIComponent(id)}`
    : `https://osv.dev/vulnerability/${encodeURIComponent(id)}`;
}

/** Go records carry the zero time `0001-01-01T00:00:00Z`; CycloneDX wants a real date-time. */
function isDateTime(value: string): boolean {
  const ms = Date.parse(value);
  return !Number.isNaN(ms) && ms > 0;
}
