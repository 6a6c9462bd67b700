// Test helper: an admission engine from a config literal, with injectable registry and verifier stand-ins.
import type { AdmissionEngine, Decision } from '../../src/admission/admit.js';
import { createAdmissionEngine } from '../../src/admission/admit.js';
import type { WebhookConfigInput } from '../../src/admission/config.js';
import { parseWebhookConfig } from '../../src/admission/config.js';
import type { DigestResolver, SignatureVerifier, VerificationResult } from '../../src/admission/images.js';
import type { NamespaceLookup } from '../../src/admission/namespaces.js';
import { createNamespaceSource } from '../../src/admission/namespaces.js';
import { parseAdmissionReview } from '../../src/admission/review.js';
import { TtlCache } from '../../src/admission/verification-cache.js';

export interface EngineOptions {
  resolver?: DigestResolver;
  verifiers?: SignatureVerifier[];
  lookup?: NamespaceLookup;
  now?: () => number;
}

export function engineFor(config: WebhookConfigInput, options: EngineOptions = {}): AdmissionEngine {
  const parsed = parseWebhookConfig(config);
  return createAdmissionEngine(parsed, {
    namespaces: createNamespaceSource({
      labels: parsed.namespaces.labels,
      ...(options.lookup ? { lookup: options.lookup } : {}),
      ...(options.now ? { now: options.now } : {}),
    }),
    images: {
      ...(options.resolver ? { resolver: options.resolver } : {}),
      verifiers: new Map((options.verifiers ?? []).map((v) => [v.name, v])),
      verifications: new TtlCache<VerificationResult>(1000, options.now),
      digests: new TtlCache<string>(1000, options.now),
    },
  });
}

export async function decide(
  engine: AdmissionEngine,
  review: Record<string, unknown>,
  endpoint: 'validate' | 'mutate' = 'validate',
): Promise<Decision> {
  const parsed = parseAdmissionReview(JSON.stringify(review));
  if (!parsed.ok) throw new Error(parsed.message);
  return endpoint === 'validate' ? engine.validate(parsed.request) : engine.mutate(parsed.request);
}

export const DIGEST_A = `sha256:${'a'.repeat(64)}`;
export const DIGEST_B = `sha256:${'b'.repeat(64)}`;

/** A verifier stand-in: verdicts by digest, optional delay, failure or hang, and a call log. */
export function testVerifier(
  verdicts: Record<string, VerificationResult>,
  behaviour: { delayMs?: number; fail?: Error; hang?: boolean; name?: string } = {},
): SignatureVerifier & { calls: string[] } {
  const calls: string[] = [];
  return {
    name: behaviour.name ?? 'test',
    calls,
    async verify(image, signal) {
      calls.push(`${image.registry}/${image.repository}@${image.digest}`);
      if (behaviour.hang) await new Promise(() => undefined);
      if (behaviour.delayMs)
        await new Promise((resolve, reject) => {
          const t = setTimeout(resolve, behaviour.delayMs);
          signal.addEventListener('abort', () => {
            clearTimeout(t);
            reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
          });
        });
      if (behaviour.fail) throw behaviour.fail;
      return verdicts[image.digest] ?? { verified: false, reason: 'no signature found' };
    },
  };
}

/** A resolver stand-in: digests by `registry/repository:tag`. */
export function testResolver(
  digests: Record<string, string>,
  behaviour: { fail?: Error; delayMs?: number } = {},
): DigestResolver & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async resolve(image) {
      const key = `${image.registry}/${image.repository}:${image.tag}`;
      calls.push(key);
      if (behaviour.delayMs) await new Promise((r) => setTimeout(r, behaviour.delayMs));
      if (behaviour.fail) throw behaviour.fail;
      const digest = digests[key];
      if (!digest) throw new Error(`${key}: manifest unknown`);
      return digest;
    },
  };
}
