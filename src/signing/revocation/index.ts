/** Revocation checking for certificate chains: OCSP, CRLs, offline CRL files and cache. */
export {
  revocationChecker,
  revocationEndpointsOf,
  loadCrlFiles,
  type CertRevocation,
  type CertRevocationStatus,
  type RevocationChecker,
  type RevocationContext,
  type RevocationOptions,
  type RevocationOutcome,
} from './check.js';
export { parseCrl, crlStatus, crlCovers, type ParsedCrl, type CrlEntry } from './crl.js';
export { certIdOf, ocspRequest, parseOcspResponse, type OcspStatus } from './ocsp.js';
