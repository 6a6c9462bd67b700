/** Sign and verify images in a registry with Notation signatures: the effects around the pure pieces. */
import type { KeyObject, X509Certificate } from 'node:crypto';
import type { Clock } from '../../core/clock.js';
import { RemoteError } from '../../core/errors.js';
import type { ImageReference } from '../../image/index.js';
import { RegistryWriter, type RegistryAccess } from '../registry-push.js';
import type { TargetDescriptor } from './envelope.js';
import { discoverNotationSignatures, pushNotationSignature, type PushedSignature } from './oci.js';
import { type SignatureFormat, createNotationSignature } from './sign.js';
import type { TrustPolicyDocument } from './trust-policy.js';
import type { TrustStore } from './trust-store.js';
import type { RevocationChecker } from '../revocation/check.js';
import type { TimestampClientOptions } from '../timestamp/client.js';
import { timestampSignature } from './timestamp.js';
import { type NotationOutcome, verifyNotation } from './verify.js';

export async function resolveDescriptor(
  writer: RegistryWriter,
  ref: ImageReference,
): Promise<TargetDescriptor> {
  const selector = ref.digest ?? ref.tag ?? 'latest';
  const manifest = await writer.getManifest(selector);
  if (!manifest) throw new RemoteError(`${writer.repository}:${selector}: manifest not found`);
  return { mediaType: manifest.mediaType, digest: manifest.digest, size: manifest.body.length };
}

export interface SignImageOptions {
  key: KeyObject;
  chain: X509Certificate[];
  format: SignatureFormat;
  clock: Clock;
  expiresInMs?: number;
  access?: RegistryAccess;
  /** Countersign with an RFC 3161 timestamp from this TSA. */
  timestamp?: TimestampClientOptions;
}

export async function signImage(
  ref: ImageReference,
  options: SignImageOptions,
): Promise<PushedSignature & { target: TargetDescriptor; envelopeMediaType: string }> {
  const writer = await RegistryWriter.create(ref, options.access);
  try {
    const target = await resolveDescriptor(writer, ref);
    const signed = createNotationSignature({
      target,
      key: options.key,
      chain: options.chain,
      format: options.format,
      clock: options.clock,
      ...(options.expiresInMs !== undefined ? { expiresInMs: options.expiresInMs } : {}),
    });
    const { envelope, mediaType } = options.timestamp
      ? await timestampSignature(signed, options.timestamp)
      : signed;
    const pushed = await pushNotationSignature(
      writer,
      target,
      envelope,
      mediaType,
      options.chain,
      options.clock.now(),
    );
    return { ...pushed, target, envelopeMediaType: mediaType };
  } finally {
    await writer.close();
  }
}

export interface ImageVerification {
  reference: string;
  digest: string;
  accepted: boolean;
  /** One outcome per signature found, in discovery order. */
  signatures: (NotationOutcome & { manifestDigest: string; via: string })[];
  reason?: string;
}

export interface VerifyImageOptions {
  policy: TrustPolicyDocument;
  trustStore: TrustStore;
  clock: Clock;
  access?: RegistryAccess;
  revocation?: RevocationChecker;
}

/** Accepted when any signature is accepted, as notation does; the digest is the one the registry serves now. */
export async function verifyImage(
  ref: ImageReference,
  options: VerifyImageOptions,
): Promise<ImageVerification> {
  const writer = await RegistryWriter.create(ref, options.access);
  try {
    const target = await resolveDescriptor(writer, ref);
    const repository = `${ref.registry}/${ref.repository}`;
    const found = await discoverNotationSignatures(writer, target.digest);
    const signatures: ImageVerification['signatures'] = [];
    for (const sig of found) {
      const outcome = await verifyNotation({
        envelope: sig.envelope,
        envelopeMediaType: sig.envelopeMediaType,
        repository,
        digest: target.digest,
        policy: options.policy,
        trustStore: options.trustStore,
        clock: options.clock,
        ...(options.revocation ? { revocation: options.revocation } : {}),
      });
      signatures.push({ ...outcome, manifestDigest: sig.manifestDigest, via: sig.via });
      if (outcome.accepted) break;
    }
    const accepted = signatures.some((s) => s.accepted);
    return {
      reference: `${repository}@${target.digest}`,
      digest: target.digest,
      accepted,
      signatures,
      ...(accepted
        ? {}
        : {
            reason:
              signatures.length === 0
                ? `no Notation signature found for ${target.digest}`
                : (signatures[0]?.reason ?? 'rejected'),
          }),
    };
  } finally {
    await writer.close();
  }
}
