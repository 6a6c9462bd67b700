// `registry scan` and the drift report: see ../../../docs/registry-scan.md.
export {
  type ImageState,
  type OriginResolver,
  type RegistryScanOptions,
  type RegistryScanResult,
  type ScanProgress,
  type ScannedImage,
  scanRegistry,
} from './scan-registry.js';
export {
  DRIFT_SCHEMA_VERSION,
  type DriftReport,
  type DriftVuln,
  type ImageDrift,
  buildDriftReport,
  compareScans,
} from './drift.js';
export { type RegistryGateResult, gateRegistryScan } from './gate.js';
export {
  DRIFT_FORMATTERS,
  type DriftFormatOptions,
  type DriftFormatter,
  driftFindingsReport,
  formatDriftReport,
} from './formats/index.js';
export {
  type ApiReader,
  DEFAULT_LISTING_LIMITS,
  type ListingLimits,
  listRepositories,
  listTags,
} from './listing.js';
export {
  type RegistryTarget,
  type Shard,
  inScope,
  parseRegistryTarget,
  parseShard,
  shardOf,
  targetKey,
} from './target.js';
export { createThrottle, parseRate } from './rate-limit.js';
export { createProgressRenderer } from './progress.js';
