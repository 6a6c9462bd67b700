import { BaseError } from '../core/errors.js';

/** The signature itself is bad: it does not verify, the envelope is malformed, or it signs another artifact. */
export class VerificationError extends BaseError<'VERIFICATION'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('VERIFICATION', message, options);
  }
}

/** The signature is fine but the signer is not trusted, or the trust policy rejects it for another reason. */
export class PolicyError extends BaseError<'POLICY'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('POLICY', message, options);
  }
}
