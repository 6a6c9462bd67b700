/**
 * Where an image came from. Issue #5: an image is of known origin when it carries a signature the trust policy
 * accepts (Notation) or its digest is in the build ledger; otherwise its origin is unknown. The registry scan
 * reports unknown-origin images; `kubeward image origin` asks for one image.
 */
import type { Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import { parseReference } from '../image/index.js';
import { verifyImage } from '../signing/notation/image.js';
import type { TrustPolicyDocument } from '../signing/notation/trust-policy.js';
import type { TrustStore } from '../signing/notation/trust-store.js';
import type { RegistryAccess } from '../signing/registry-push.js';
import type { ImageOrigin } from '../store/model.js';
import type { BuildLedger } from './build-ledger.js';

export interface OriginOptions {
  /** Notation trust policy and trust store; without them signatures are not looked at. */
  trust?: { policy: TrustPolicyDocument; trustStore: TrustStore };
  /** Build ledgers to consult (the store, published ledger files), in order. */
  ledgers?: readonly BuildLedger[];
  clock: Clock;
  /** How to reach the registry for the signature lookup. */
  access?: RegistryAccess;
}

export interface OriginResult {
  origin: ImageOrigin;
  /** One line: who signed it, which pipeline built it, or why neither holds. */
  detail: string;
}

/**
 * A trusted signature first (the stronger claim), then the ledger. A registry that cannot be asked about
 * signatures is not evidence of unknown origin: when the ledger does not vouch for the digest either, the
 * lookup error is thrown so the caller reports a failure instead of a false alarm.
 */
export async function originOf(
  image: { reference: string; repository: string; digest: string },
  options: OriginOptions,
): Promise<OriginResult> {
  const reasons: string[] = [];
  let lookupError: unknown;
  if (options.trust) {
    try {
      const verification = await verifyImage(parseReference(`${image.repository}@${image.digest}`), {
        policy: options.trust.policy,
        trustStore: options.trust.trustStore,
        clock: options.clock,
        ...(options.access ? { access: options.access } : {}),
      });
      const accepted = verification.signatures.find((s) => s.accepted);
      if (accepted)
        return {
          origin: 'signed',
          detail: `Notation signature by "${accepted.signer?.subject ?? 'unknown signer'}" accepted by trust policy "${accepted.policy ?? ''}"`,
        };
      reasons.push(verification.reason ?? 'no accepted signature');
    } catch (error) {
      lookupError = error;
      reasons.push(`signature lookup failed: ${errorMessage(error)}`);
    }
  } else {
    reasons.push('signatures not checked (no trust policy)');
  }
  for (const ledger of options.ledgers ?? []) {
    const build = await ledger.find(image.digest);
    if (build)
      return {
        origin: 'ledger',
        detail: `built by ${build.pipeline} at ${build.recordedAt} (ledger ${ledger.where}, repository ${build.repository})`,
      };
  }
  if (lookupError) throw lookupError;
  const ledgers = (options.ledgers ?? []).map((l) => l.where);
  reasons.push(
    ledgers.length > 0 ? `not in the build ledger (${ledgers.join(', ')})` : 'no build ledger given',
  );
  return { origin: 'unknown', detail: `${image.reference}: ${reasons.join('; ')}` };
}
