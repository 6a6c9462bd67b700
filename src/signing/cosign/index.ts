export {
  verifyCosignImage,
  verifyCosignPayload,
  cosignTag,
  loadPublicKey,
  COSIGN_SIGNATURE_ANNOTATION,
  COSIGN_PAYLOAD_MEDIA_TYPE,
  type CosignVerification,
} from './verify.js';
export { verifyGpgSignatures, lookasideDir, type GpgVerification } from './gpg.js';
export {
  parseSimpleSigning,
  checkClaims,
  type IdentityRule,
  type SimpleSigningClaims,
} from './simple-signing.js';
