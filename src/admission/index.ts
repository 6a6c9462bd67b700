// The admission room's public surface: AdmissionReview in, decision out; no HTTP.
export type { AdmissionEngine, Decision, EngineDeps, PolicyMetric } from './admit.js';
export { createAdmissionEngine } from './admit.js';
export type { Budget } from './budget.js';
export { BudgetExceededError, startBudget } from './budget.js';
export type { Effect, WebhookConfig, WebhookConfigInput, VerifyRule, CheckAssignment } from './config.js';
export { EFFECTS, loadWebhookConfig, parseWebhookConfig, webhookConfigSchema } from './config.js';
export type {
  DigestResolver,
  ImageLocation,
  ImageServices,
  SignatureVerifier,
  VerificationResult,
} from './images.js';
export { jsonPointer, verifyRuleFor } from './images.js';
export type { NamespaceLookup, NamespaceSource } from './namespaces.js';
export { createNamespaceSource } from './namespaces.js';
export type { PssPolicy, LevelVersion } from './pod-security.js';
export { policyToEvaluate, formatLevelVersion } from './pod-security.js';
export type {
  AdmissionRequest,
  AdmissionResponse,
  AdmissionReviewResponse,
  AdmissionVerdict,
  JsonPatchOperation,
} from './review.js';
export { ADMISSION_API_VERSION, parseAdmissionReview, toReviewResponse } from './review.js';
export { TtlCache } from './verification-cache.js';
export { CHECKS_NEEDING_OTHER_OBJECTS } from './checks.js';
