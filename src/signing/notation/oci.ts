/**
 * Notation signatures as OCI artifacts: push (signature manifest with `subject`, then the referrers tag schema
 * `sha256-<hex>` when the registry has no Referrers API) and discovery (Referrers API, else the tag schema).
 */
import type { X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { RemoteError } from '../../core/errors.js';
import { MEDIA, digestOf } from '../../image/index.js';
import { sha256Thumbprint } from '../certs.js';
import type { RegistryWriter } from '../registry-push.js';
import { ARTIFACT_TYPE_SIGNATURE, THUMBPRINT_ANNOTATION, type TargetDescriptor } from './envelope.js';

export const MEDIA_EMPTY = 'application/vnd.oci.empty.v1+json';
const EMPTY = Buffer.from('{}');
const MAX_ENVELOPE = 4 * 1024 * 1024;
const MAX_SIGNATURES = 32;

const descriptor = z.object({
  mediaType: z.string(),
  digest: z.string(),
  size: z.number().int().nonnegative(),
  artifactType: z.string().optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
const indexSchema = z.object({ schemaVersion: z.literal(2), manifests: z.array(descriptor).default([]) });
const manifestSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  artifactType: z.string().optional(),
  config: descriptor,
  layers: z.array(descriptor),
  subject: descriptor.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
});
type Descriptor = z.infer<typeof descriptor>;

export function referrersTag(digest: string): string {
  return digest.replace(':', '-');
}

export interface PushedSignature {
  digest: string;
  via: 'referrers-api' | 'referrers-tag';
}

export async function pushNotationSignature(
  writer: RegistryWriter,
  subject: TargetDescriptor,
  envelope: Buffer,
  envelopeMediaType: string,
  chain: X509Certificate[],
  created: Date,
): Promise<PushedSignature> {
  const layer = await writer.pushBlob(envelope);
  const config = await writer.pushBlob(EMPTY);
  const manifest = {
    schemaVersion: 2,
    mediaType: MEDIA.ociManifest,
    artifactType: ARTIFACT_TYPE_SIGNATURE,
    config: { mediaType: MEDIA_EMPTY, digest: config.digest, size: config.size },
    layers: [{ mediaType: envelopeMediaType, digest: layer.digest, size: layer.size }],
    subject: { mediaType: subject.mediaType, digest: subject.digest, size: subject.size },
    annotations: {
      [THUMBPRINT_ANNOTATION]: JSON.stringify(chain.map(sha256Thumbprint)),
      'org.opencontainers.image.created': created.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    },
  };
  const body = Buffer.from(JSON.stringify(manifest));
  const digest = digestOf(body);
  const pushed = await writer.pushManifest(digest, body, MEDIA.ociManifest);
  if (pushed.subjectHeader) return { digest, via: 'referrers-api' };
  // No OCI-Subject header: the registry does not index referrers, so maintain the fallback tag ourselves.
  const tag = referrersTag(subject.digest);
  const existing = await writer.getManifest(tag);
  const manifests: Descriptor[] = existing
    ? indexSchema.parse(JSON.parse(existing.body.toString('utf8'))).manifests
    : [];
  if (!manifests.some((m) => m.digest === digest))
    manifests.push({
      mediaType: MEDIA.ociManifest,
      digest,
      size: body.length,
      artifactType: ARTIFACT_TYPE_SIGNATURE,
      annotations: manifest.annotations,
    });
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MEDIA.ociIndex, manifests }));
  await writer.pushManifest(tag, index, MEDIA.ociIndex);
  return { digest, via: 'referrers-tag' };
}

export interface FoundSignature {
  manifestDigest: string;
  envelope: Buffer;
  envelopeMediaType: string;
  via: 'referrers-api' | 'referrers-tag';
}

function parseJson<T>(schema: z.ZodType<T>, body: Buffer, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new RemoteError(`${what} is not JSON`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new RemoteError(`${what} is malformed: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}

/** Signatures that claim `digest` as their subject, through the Referrers API or the referrers tag. */
export async function discoverNotationSignatures(
  writer: RegistryWriter,
  digest: string,
): Promise<FoundSignature[]> {
  let via: FoundSignature['via'] = 'referrers-api';
  let index = await writer.getReferrers(digest, ARTIFACT_TYPE_SIGNATURE);
  if (!index) {
    via = 'referrers-tag';
    index = await writer.getManifest(referrersTag(digest));
  }
  if (!index) return [];
  const list = parseJson(indexSchema, index.body, `referrers index of ${digest}`).manifests.filter(
    (m) => m.artifactType === ARTIFACT_TYPE_SIGNATURE,
  );
  const found: FoundSignature[] = [];
  for (const entry of list.slice(0, MAX_SIGNATURES)) {
    const fetched = await writer.getManifest(entry.digest);
    if (!fetched) continue;
    const manifest = parseJson(manifestSchema, fetched.body, `signature manifest ${entry.digest}`);
    // The index is only a hint: the signature manifest itself must name this image as its subject.
    if (manifest.subject?.digest !== digest || manifest.artifactType !== ARTIFACT_TYPE_SIGNATURE) continue;
    const layer = manifest.layers[0];
    if (!layer || manifest.layers.length !== 1) continue;
    if (layer.size > MAX_ENVELOPE) throw new RemoteError(`signature envelope ${layer.digest} is too large`);
    found.push({
      manifestDigest: entry.digest,
      envelope: await writer.getBlob(layer.digest, MAX_ENVELOPE),
      envelopeMediaType: layer.mediaType,
      via,
    });
  }
  return found;
}
