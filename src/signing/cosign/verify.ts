/**
 * cosign signatures stored the cosign way: an OCI manifest under the tag `sha256-<hex>.sig`, one layer per
 * signature, each a simple-signing payload with its signature (base64) in `dev.cosignproject.cosign/signature`.
 * Key-based verification only (no Rekor, no Fulcio): ECDSA or RSA PKCS#1 v1.5 over SHA-256 of the payload bytes.
 */
import { type KeyObject, createPublicKey, verify } from 'node:crypto';
import { z } from 'zod';
import { ConfigError, RemoteError, errorMessage } from '../../core/errors.js';
import type { ImageReference } from '../../image/index.js';
import { PolicyError, VerificationError } from '../errors.js';
import { RegistryWriter, type RegistryAccess } from '../registry-push.js';
import { type IdentityRule, checkClaims, parseSimpleSigning } from './simple-signing.js';

export const COSIGN_SIGNATURE_ANNOTATION = 'dev.cosignproject.cosign/signature';
export const COSIGN_PAYLOAD_MEDIA_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
const MAX_PAYLOAD = 1024 * 1024;
const MAX_LAYERS = 64;

export function cosignTag(digest: string): string {
  return `${digest.replace(':', '-')}.sig`;
}

export function loadPublicKey(pem: Buffer, what: string): KeyObject {
  try {
    return createPublicKey(pem);
  } catch (error) {
    throw new ConfigError(`${what}: not a public key (${errorMessage(error)})`, { cause: error });
  }
}

export interface CosignSignatureResult {
  layerDigest: string;
  verified: boolean;
  reason?: string;
  failure?: 'verification' | 'policy';
  dockerReference?: string;
}

export interface CosignVerification {
  reference: string;
  digest: string;
  accepted: boolean;
  signatures: CosignSignatureResult[];
  reason?: string;
}

const layerSchema = z.object({
  mediaType: z.string(),
  digest: z.string(),
  size: z.number().int().nonnegative(),
  annotations: z.record(z.string(), z.string()).optional(),
});
const manifestSchema = z.object({ schemaVersion: z.literal(2), layers: z.array(layerSchema) });

/** Verify one payload and its base64 signature (pure). Throws VerificationError or PolicyError. */
export function verifyCosignPayload(
  payload: Buffer,
  signatureB64: string,
  key: KeyObject,
  repository: string,
  digest: string,
  identity: IdentityRule,
): { dockerReference: string } {
  const sig = Buffer.from(signatureB64, 'base64');
  let ok = false;
  try {
    ok = verify('sha256', payload, key, sig);
  } catch {
    ok = false;
  }
  if (!ok) throw new VerificationError('the signature does not verify with the given public key');
  const claims = parseSimpleSigning(payload, 'cosign container image signature');
  checkClaims(claims, repository, digest, identity);
  return { dockerReference: claims.dockerReference };
}

export async function verifyCosignImage(
  ref: ImageReference,
  options: { key: KeyObject; identity?: IdentityRule; access?: RegistryAccess },
): Promise<CosignVerification> {
  const writer = await RegistryWriter.create(ref, options.access);
  try {
    const selector = ref.digest ?? ref.tag ?? 'latest';
    const image = await writer.getManifest(selector);
    if (!image) throw new RemoteError(`${writer.repository}:${selector}: manifest not found`);
    const repository = `${ref.registry}/${ref.repository}`;
    const sigManifest = await writer.getManifest(cosignTag(image.digest));
    const base = { reference: `${repository}@${image.digest}`, digest: image.digest };
    if (!sigManifest)
      return {
        ...base,
        accepted: false,
        signatures: [],
        reason: `no cosign signature found (${cosignTag(image.digest)})`,
      };
    let manifest: z.infer<typeof manifestSchema>;
    try {
      manifest = manifestSchema.parse(JSON.parse(sigManifest.body.toString('utf8')));
    } catch (error) {
      throw new RemoteError(`cosign signature manifest is malformed: ${errorMessage(error)}`);
    }
    const signatures: CosignSignatureResult[] = [];
    for (const layer of manifest.layers.slice(0, MAX_LAYERS)) {
      const sig = layer.annotations?.[COSIGN_SIGNATURE_ANNOTATION];
      if (!sig) continue;
      if (layer.size > MAX_PAYLOAD) {
        signatures.push({
          layerDigest: layer.digest,
          verified: false,
          reason: 'payload too large',
          failure: 'verification',
        });
        continue;
      }
      const payload = await writer.getBlob(layer.digest, MAX_PAYLOAD);
      try {
        const { dockerReference } = verifyCosignPayload(
          payload,
          sig,
          options.key,
          repository,
          image.digest,
          options.identity ?? { kind: 'matchRepository' },
        );
        signatures.push({ layerDigest: layer.digest, verified: true, dockerReference });
      } catch (error) {
        if (!(error instanceof VerificationError) && !(error instanceof PolicyError)) throw error;
        signatures.push({
          layerDigest: layer.digest,
          verified: false,
          reason: error.message,
          failure: error instanceof PolicyError ? 'policy' : 'verification',
        });
      }
    }
    const accepted = signatures.some((s) => s.verified);
    return {
      ...base,
      accepted,
      signatures,
      ...(accepted
        ? {}
        : { reason: signatures[0]?.reason ?? 'the signature manifest holds no cosign signature' }),
    };
  } finally {
    await writer.close();
  }
}
