export { ALGORITHMS, algorithmForKey, type NotaryAlgorithm } from './algorithms.js';
export { decodeCbor, encodeCbor, CborTag, type CborValue, type CborMap } from './cbor.js';
export {
  MEDIA_TYPE_JWS,
  MEDIA_TYPE_COSE,
  PAYLOAD_CONTENT_TYPE,
  ARTIFACT_TYPE_SIGNATURE,
  THUMBPRINT_ANNOTATION,
  type ParsedEnvelope,
  type SignerInfo,
  type TargetDescriptor,
} from './envelope.js';
export { parseJws, signJws } from './jws.js';
export { parseCose, signCose } from './cose.js';
export {
  createNotationSignature,
  loadPrivateKey,
  parseDuration,
  payloadFor,
  type NotationSignOptions,
  type NotationSignature,
  type SignatureFormat,
} from './sign.js';
export {
  LEVELS,
  CHECKS,
  loadTrustPolicy,
  parseTrustPolicy,
  policyFor,
  parseDistinguishedName,
  type Action,
  type Check,
  type Level,
  type TrustPolicy,
  type TrustPolicyDocument,
} from './trust-policy.js';
export { openTrustStore, memoryTrustStore, type TrustStore, type TrustStoreType } from './trust-store.js';
export {
  verifyNotation,
  parseEnvelope,
  assertAccepted,
  type NotationOutcome,
  type NotationVerifyInput,
  type ValidationResult,
} from './verify.js';
export { pushNotationSignature, discoverNotationSignatures, referrersTag } from './oci.js';
export { signImage, verifyImage, resolveDescriptor, type ImageVerification } from './image.js';
export { embedTimestamp, timestampSignature } from './timestamp.js';
