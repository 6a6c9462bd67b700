/** Public API of detect/: inventory x vulnerability database -> matches with vendor status and severity. */
export { detectVulnerabilities } from './detect.js';
export * from './model.js';
export { type PackageQuery, queryFor, releaseMatcher } from './package-query.js';
export { severityOf } from './severity.js';
export { vendorStatusOf } from './vendor-status.js';
export { type Hit, type MergedHit, mergeHits } from './merge.js';
export {
  type ReportFilters,
  type SuppressedMatch,
  type VulnReport,
  ageInDays,
  applyFilters,
  compareMatches,
  findingSeverity,
  toFindingsReport,
} from './report.js';
export { formatVulnTable } from './format/table.js';
export { VULN_JSON_SCHEMA_VERSION, formatVulnJson, vulnReportJson } from './format/json.js';
export { formatVulnCycloneDx } from './format/cyclonedx.js';
