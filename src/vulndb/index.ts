/** Public API of vulndb/: OSV import and update, the SQLite store, range matching, versions and CVSS. */
export * from './osv.js';
export { type AffectedVerdict, compareForRange, evaluateRange, matchAffected } from './affected.js';
export {
  DbBuilder,
  type HttpValidators,
  type ImportCounts,
  type SourceInfo,
  type SourceKind,
  normalizeTime,
} from './builder.js';
export { type DownloadOptions, type DownloadResult, downloadToFile } from './download.js';
export { type VulnSource, memoryVulnSource } from './memory-source.js';
export { DB_FORMAT } from './schema.js';
export {
  DEFAULT_ECOSYSTEMS,
  DEFAULT_SOURCES,
  DEFAULT_VULNDB_SETTINGS,
  OPTIONAL_ECOSYSTEMS,
  OSV_BUCKET,
  type ResolvedSource,
  type VulndbSettings,
  defaultDbPath,
  dumpUrl,
  resolveSource,
  vulndbSettingsSchema,
} from './sources.js';
export {
  type AffectedRow,
  type DbStatus,
  type SourceStatus,
  VulnStore,
  importDatabaseFile,
} from './store.js';
export { type SourceOutcome, type UpdateOptions, type UpdateResult, updateDatabase } from './update.js';
export { DEFAULT_ZIP_LIMITS, type ZipEntry, type ZipLimits, ZipReader } from './zip/read-zip.js';
export { type ZipInput, writeZip } from './zip/write-zip.js';
export { compareVersions, comparatorFor, supportedEcosystems } from './versions/index.js';
export { type CvssScore, cvssScore } from './cvss/index.js';
