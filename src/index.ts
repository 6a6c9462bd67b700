// The public library API of kubeward. Everything a library user may rely on is named here explicitly.

// Model, errors, severities, clock
export type { Finding, FindingInput, FindingTarget, RuleMeta, SourceLocation } from './core/finding.js';
export { makeFinding, sortFindings, compareFindings, fingerprintOf } from './core/finding.js';
export type { Report, InputProblem, SeverityCounts } from './core/report.js';
export { countBySeverity } from './core/report.js';
export type { Severity } from './core/severity.js';
export { SEVERITIES, atOrAbove, isSeverity, severityRank } from './core/severity.js';
export type { ErrorCode } from './core/errors.js';
export { BaseError, UsageError, ConfigError, InputError, RemoteError } from './core/errors.js';
export type { Clock } from './core/clock.js';
export { systemClock, fixedClock } from './core/clock.js';
export type { InputLimits } from './core/limits.js';
export { DEFAULT_LIMITS } from './core/limits.js';
export type { Registry } from './core/registry.js';
export { createRegistry } from './core/registry.js';

// Kubernetes inputs
export type { K8sObject, ObjectMeta, ObjectSource } from './k8s/object.js';
export type { PodView, ContainerView } from './k8s/pod-spec.js';
export { extractPod, containersOf, WORKLOAD_KINDS } from './k8s/pod-spec.js';
export type { LoadResult, LoadOptions } from './k8s/load-manifests.js';
export { loadManifests, parseManifestText } from './k8s/load-manifests.js';
export type { ManifestSet } from './k8s/manifest-set.js';
export { buildManifestSet } from './k8s/manifest-set.js';

// Checks
export type {
  Check,
  PodCheck,
  ObjectCheck,
  SetCheck,
  Violation,
  CheckContext,
  CheckSettings,
} from './checks/check.js';
export { defineCheck } from './checks/check.js';
export { CHECKS } from './checks/index.js';
export type { PssLevel, PssVersion, PssViolation } from './checks/pss/index.js';
export { PSS_CHECKS, LATEST_PSS_VERSION, evaluatePodSecurity, parsePssVersion } from './checks/pss/index.js';

// Pipelines and configuration
export type { ScanOptions } from './scan/scan-manifests.js';
export { scanManifests, evaluateObjects } from './scan/scan-manifests.js';
export type { Config, ExceptionRule } from './scan/config.js';
export { loadConfig, parseConfig, DEFAULT_CONFIG, configSchema } from './scan/config.js';
export { allManifestRules } from './scan/rules.js';

// Reports
export type { Formatter, FormatOptions } from './report/index.js';
export { FORMATTERS, formatReport } from './report/index.js';

// Images, inventory and SBOM
export { parseReference, openImageSource, RegistryClient } from './image/index.js';
export { sbomFromImage, sbomFromDirectory, inventoryImage, inventoryDirectory } from './inventory/index.js';

// Vulnerabilities and the gate
export { compareVersions } from './vulndb/versions/index.js';
export { cvssScore } from './vulndb/cvss/index.js';
export { updateDatabase } from './vulndb/index.js';
export { detectVulnerabilities } from './detect/index.js';
export { scanImageVulnerabilities, scanDirectoryVulnerabilities } from './scan/scan-image.js';
export { evaluateGate, parseGatePolicy, parseVexDocument, applyVex } from './policy/index.js';

// Signatures
export {
  signImage,
  verifyNotation,
  verifyImage,
  parseTrustPolicy,
  openTrustStore,
  verifyCosignImage,
  VerificationError,
  PolicyError,
} from './signing/index.js';
export { revocationChecker, loadCrlFiles } from './signing/revocation/index.js';
export type { RevocationChecker, RevocationOptions, RevocationOutcome } from './signing/revocation/index.js';
export { requestTimestamp, verifyTimestampToken } from './signing/timestamp/index.js';
export { timestampSignature } from './signing/notation/index.js';

// Provenance: build ledger and image origin
export { originOf } from './scan/provenance.js';
export type { OriginOptions, OriginResult } from './scan/provenance.js';
export { fileLedger, storeLedger, readLedgerFile, pipelineIdentity } from './scan/build-ledger.js';
export type { BuildLedger } from './scan/build-ledger.js';

// Cluster state, RBAC, network
export { loadClusterState } from './k8s/cluster-state.js';
export { buildRbacModel, authorize, whoCan } from './checks/rbac/index.js';
export { buildCluster, createEvaluator, evaluateConnection, computeMatrix } from './checks/netpol/index.js';
export { parseNsg, evaluateNsg, evaluateNsgChain } from './checks/nsg/index.js';
export { auditCluster } from './scan/cluster-audit.js';
export { scanSecrets } from './scan/secrets-scan.js';

// Admission and runtime
export { createAdmissionEngine, parseAdmissionReview, toReviewResponse } from './admission/index.js';
export { loadRuntimeRules, createDetector } from './checks/runtime/index.js';

// Scorecard and dashboard
export {
  buildScorecard,
  readInputFile,
  readStore,
  renderScorecardHtml,
  renderScorecardJson,
} from './scorecard/index.js';
export type { Scorecard, AreaScore, ScoredFinding } from './scorecard/index.js';
export { createDashboard, buildPatchPlan } from './dashboard/index.js';
export type { Dashboard, DashboardOptions } from './dashboard/index.js';

// Registry scan and drift
export {
  scanRegistry,
  buildDriftReport,
  formatDriftReport,
  gateRegistryScan,
  DRIFT_FORMATTERS,
} from './scan/registry-scan/index.js';
export type {
  DriftReport,
  ImageDrift,
  RegistryScanOptions,
  RegistryScanResult,
} from './scan/registry-scan/index.js';

// Continuous scanning: watch, leader election, the serve loop and its install renderers
export { watchResource } from './k8s/live/watch.js';
export type { ResourceWatch, WatchUpdate, WatchedResource, WatchStats } from './k8s/live/watch.js';
export { connectKubeClient } from './k8s/live/watch-transport.js';
export type { KubeClient } from './k8s/live/watch-transport.js';
export { createLeaderElector } from './k8s/live/lease.js';
export type { LeaderElector, LeaderElectionOptions } from './k8s/live/lease.js';
export { startServe } from './serve/serve.js';
export type { ServeController, ServeOptions, ServeStatus } from './serve/serve.js';
export { startServeHttp } from './serve/http.js';
export { renderServeInstall } from './install/serve.js';
export { renderRegistryScanInstall } from './install/registry-scan-job.js';
