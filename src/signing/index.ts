/** Public API of signing/: Notation (JWS, COSE, trust policy, trust store), cosign, GPG simple signing. */
export { VerificationError, PolicyError } from './errors.js';
export { parseCertificates, chainProblem, leafProblem, sha256Thumbprint } from './certs.js';
export { RegistryWriter, type RegistryAccess } from './registry-push.js';
export * from './notation/index.js';
export * from './cosign/index.js';
export { notationVerifier, cosignVerifier } from './admission-verifiers.js';
