// Repository secret detection: detectors, redaction, text scanning. No I/O here; scan/secrets-scan.ts walks
// trees and git history.
export type { Detector, DetectorSettings } from './detectors.js';
export {
  DETECTORS,
  DEFAULT_DETECTOR_SETTINGS,
  SECRET_MANIFEST_RULE,
  SECRET_READERS_RULE,
  SECRETS_SCAN_RULES,
} from './detectors.js';
export type { SecretHit } from './scan-text.js';
export { scanText } from './scan-text.js';
export { redact, secretHash, shannonEntropy } from './redact.js';
