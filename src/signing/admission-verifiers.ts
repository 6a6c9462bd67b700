/**
 * The webhook's SignatureVerifier for Notation and cosign. A rejected signature is `verified: false`; a registry
 * that cannot answer rejects the promise, so the webhook's failure mode decides and nothing is cached.
 */
import type { KeyObject } from 'node:crypto';
import type { SignatureVerifier, VerificationResult } from '../admission/index.js';
import type { Clock } from '../core/clock.js';
import type { IdentityRule } from './cosign/simple-signing.js';
import { verifyCosignImage } from './cosign/verify.js';
import { verifyImage } from './notation/image.js';
import type { TrustPolicyDocument } from './notation/trust-policy.js';
import type { TrustStore } from './notation/trust-store.js';
import type { RegistryAccess } from './registry-push.js';

function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason ?? new Error('aborted'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason ?? new Error('aborted'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

export function notationVerifier(options: {
  name?: string;
  policy: TrustPolicyDocument;
  trustStore: TrustStore;
  clock: Clock;
  access?: (registry: string) => RegistryAccess;
}): SignatureVerifier {
  return {
    name: options.name ?? 'notation',
    async verify(image, signal): Promise<VerificationResult> {
      const ref = { registry: image.registry, repository: image.repository, digest: image.digest };
      const result = await abortable(
        verifyImage(ref, {
          policy: options.policy,
          trustStore: options.trustStore,
          clock: options.clock,
          ...(options.access ? { access: options.access(image.registry) } : {}),
        }),
        signal,
      );
      const accepted = result.signatures.find((s) => s.accepted);
      if (accepted)
        return { verified: true, ...(accepted.signer ? { signer: accepted.signer.subject } : {}) };
      return { verified: false, reason: result.reason ?? 'no accepted Notation signature' };
    },
  };
}

export function cosignVerifier(options: {
  name?: string;
  key: KeyObject;
  identity?: IdentityRule;
  access?: (registry: string) => RegistryAccess;
}): SignatureVerifier {
  return {
    name: options.name ?? 'cosign',
    async verify(image, signal): Promise<VerificationResult> {
      const ref = { registry: image.registry, repository: image.repository, digest: image.digest };
      const result = await abortable(
        verifyCosignImage(ref, {
          key: options.key,
          ...(options.identity ? { identity: options.identity } : {}),
          ...(options.access ? { access: options.access(image.registry) } : {}),
        }),
        signal,
      );
      if (result.accepted) return { verified: true, signer: 'cosign key' };
      return { verified: false, reason: result.reason ?? 'no valid cosign signature' };
    },
  };
}
