/**
 * Image provenance at admission: which verify rule covers an image, its digest (from the reference or resolved
 * from the tag), and the verifier's verdict, all cached by digest and bounded by one time budget per request.
 * A verifier saying "not verified" always denies; a verifier or registry that cannot answer (down, slow, over
 * budget) is a failure, and the configured failure mode decides: closed denies, open admits with a warning and
 * an audit annotation. Mutation pins tags to digests so that what was verified is what the kubelet pulls.
 */
import { errorMessage } from '../core/errors.js';
import type { ContainerView } from '../k8s/pod-spec.js';
import type { ImageReference } from '../checks/workload/image-reference.js';
import { isAllowedImage, parseImageReference } from '../checks/workload/image-reference.js';
import type { Budget } from './budget.js';
import type { WebhookConfig, VerifyRule } from './config.js';
import { matchesSelector } from './label-selector.js';
import type { JsonPatchOperation } from './review.js';
import type { TtlCache } from './verification-cache.js';

export interface ImageLocation {
  registry: string;
  repository: string;
}

/** Tag -> digest, e.g. a HEAD on the manifest. Must reject (not return) when it cannot answer. */
export interface DigestResolver {
  resolve(image: ImageLocation & { tag: string }, signal: AbortSignal): Promise<string>;
}

/** A verifier's verdict. `verified: false` is a real "no" (bad or untrusted signature), never an outage. */
export type VerificationResult = { verified: true; signer?: string } | { verified: false; reason: string };

/**
 * Signature verification of one image digest (Notation trust policy, cosign keys, ...). Rejects when it cannot
 * decide (registry unreachable, timeout): that is a failure, handled by the failure mode, and never cached.
 */
export interface SignatureVerifier {
  readonly name: string;
  verify(image: ImageLocation & { digest: string }, signal: AbortSignal): Promise<VerificationResult>;
}

export interface ImageServices {
  resolver?: DigestResolver;
  verifiers: ReadonlyMap<string, SignatureVerifier>;
  verifications: TtlCache<VerificationResult>;
  digests: TtlCache<string>;
}

export type ImageMetric =
  | {
      policy: 'signature';
      result: 'verified' | 'rejected' | 'failed-open' | 'failed-closed' | 'unknown-origin';
    }
  | { policy: 'digest'; result: 'resolved' | 'failed-open' | 'failed-closed' };

export interface ImageOutcome {
  denials: string[];
  warnings: string[];
  audit: string[];
  patch: JsonPatchOperation[];
  metrics: ImageMetric[];
  cache: { hits: number; misses: number };
}

const DIGEST = /^sha(256:[a-f0-9]{64}|512:[a-f0-9]{128})$/;

export interface ImageInput {
  containers: readonly ContainerView[];
  mode: 'validate' | 'mutate';
  namespaceLabels: Readonly<Record<string, string>>;
  config: WebhookConfig['images'];
  services: ImageServices;
  budget: Budget;
}

/** The verify rule that covers an image in this namespace: the first that matches. */
export function verifyRuleFor(
  ref: ImageReference,
  rules: readonly VerifyRule[],
  namespaceLabels: Readonly<Record<string, string>>,
): VerifyRule | undefined {
  return rules.find(
    (rule) =>
      isAllowedImage(ref, rule.images) &&
      (!rule.namespaceSelector || matchesSelector(rule.namespaceSelector, namespaceLabels)),
  );
}

/** `spec.template.spec.containers[0]` -> `/spec/template/spec/containers/0` (RFC 6901, keys escaped). */
export function jsonPointer(dottedPath: string): string {
  const parts: string[] = [];
  for (const segment of dottedPath.split('.')) {
    const match = /^([^[]*)((?:\[\d+\])*)$/.exec(segment);
    if (!match) {
      parts.push(segment);
      continue;
    }
    if (match[1]) parts.push(match[1]);
    for (const index of (match[2] ?? '').matchAll(/\[(\d+)\]/g)) parts.push(index[1] ?? '0');
  }
  return parts.map((p) => `/${p.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

export async function evaluateImages(input: ImageInput): Promise<ImageOutcome> {
  const { config, services, budget, mode } = input;
  const out: ImageOutcome = {
    denials: [],
    warnings: [],
    audit: [],
    patch: [],
    metrics: [],
    cache: { hits: 0, misses: 0 },
  };
  const failureMode = config.verification.failureMode;
  const fail = (image: string, what: string, error: unknown, policy: 'signature' | 'digest') => {
    const why = errorMessage(error);
    if (failureMode === 'closed') {
      out.denials.push(`image "${image}": ${what}: ${why} (failure mode closed)`);
      out.metrics.push({ policy, result: 'failed-closed' });
    } else {
      out.warnings.push(`image "${image}": ${what}: ${why}; admitted because the failure mode is open`);
      out.audit.push(`${image}: ${what}: ${why} (failed open)`);
      out.metrics.push({ policy, result: 'failed-open' });
    }
  };

  const digestOf = async (ref: ImageReference): Promise<string> => {
    if (ref.digest) return ref.digest;
    const resolver = services.resolver;
    if (!resolver) throw new Error('no digest resolver is configured');
    const tag = ref.tag ?? 'latest';
    const key = `${ref.registry}/${ref.repository}:${tag}`;
    const { value, hit } = await services.digests.getOrLoad(
      key,
      () =>
        budget.run(async (signal) => {
          const digest = await resolver.resolve(
            { registry: ref.registry, repository: ref.repository, tag },
            signal,
          );
          if (!DIGEST.test(digest))
            throw new Error(`registry answered an invalid digest ${JSON.stringify(digest.slice(0, 80))}`);
          return digest;
        }),
      () => config.verification.tagCacheTtlSeconds * 1000,
    );
    count(out, hit);
    return value;
  };

  const seen = new Set<string>();
  const tasks: Promise<void>[] = [];
  for (const view of input.containers) {
    const image = view.container['image'];
    if (typeof image !== 'string' || !image.trim()) continue;
    const ref = parseImageReference(image);
    if (!ref) continue;
    if (mode === 'mutate') {
      if (!config.resolveDigests || ref.digest) continue;
      const path = `${jsonPointer(view.path)}/image`;
      tasks.push(
        digestOf(ref).then(
          (digest) => {
            out.patch.push({ op: 'replace', path, value: `${image.trim()}@${digest}` });
            out.metrics.push({ policy: 'digest', result: 'resolved' });
          },
          (error: unknown) => {
            if (seen.has(`digest:${image}`)) return;
            seen.add(`digest:${image}`);
            fail(image, 'cannot resolve the tag to a digest', error, 'digest');
          },
        ),
      );
      continue;
    }
    if (seen.has(image)) continue;
    seen.add(image);
    const rule = verifyRuleFor(ref, config.verify, input.namespaceLabels);
    if (!rule) {
      if (config.unknownOrigin === 'allow') continue;
      const message = `image "${image}" is of unknown origin: no signature verification rule covers it`;
      if (config.unknownOrigin === 'deny') out.denials.push(message);
      else out.warnings.push(message);
      out.metrics.push({ policy: 'signature', result: 'unknown-origin' });
      continue;
    }
    tasks.push(verifyOne(image, ref, rule));
  }

  async function verifyOne(image: string, ref: ImageReference, rule: VerifyRule): Promise<void> {
    const verifier = services.verifiers.get(rule.verifier);
    try {
      if (!verifier) throw new Error(`signature verifier "${rule.verifier}" is not available`);
      const digest = await digestOf(ref);
      const key = `${verifier.name}|${ref.registry}/${ref.repository}@${digest}`;
      const { value: result, hit } = await services.verifications.getOrLoad(
        key,
        () =>
          budget.run((signal) =>
            verifier.verify({ registry: ref.registry, repository: ref.repository, digest }, signal),
          ),
        (r) =>
          (r.verified ? config.verification.cacheTtlSeconds : config.verification.negativeCacheTtlSeconds) *
          1000,
      );
      count(out, hit);
      if (result.verified) {
        out.metrics.push({ policy: 'signature', result: 'verified' });
      } else {
        out.denials.push(
          `image "${image}" (${digest}) failed signature verification by ${verifier.name}: ${result.reason}`,
        );
        out.metrics.push({ policy: 'signature', result: 'rejected' });
      }
    } catch (error) {
      fail(image, 'signature not verified', error, 'signature');
    }
  }

  await Promise.all(tasks);
  // Deterministic output whatever order the registry answered in.
  out.patch.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  out.denials.sort();
  out.warnings.sort();
  out.audit.sort();
  return out;
}

function count(out: ImageOutcome, hit: boolean): void {
  if (hit) out.cache.hits += 1;
  else out.cache.misses += 1;
}
