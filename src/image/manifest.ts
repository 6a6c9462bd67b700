import { z } from 'zod';
import { InputError } from '../core/errors.js';
import { MEDIA, isIndexMediaType } from './media-types.js';
import type { Platform } from './platform.js';
import { formatPlatform, matchesPlatform } from './platform.js';

const digestSchema = z.string().regex(/^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/, 'invalid digest');

const platformSchema = z.object({
  os: z.string(),
  architecture: z.string(),
  variant: z.string().optional(),
  'os.version': z.string().optional(),
});

export const descriptorSchema = z.object({
  mediaType: z.string(),
  digest: digestSchema,
  size: z.number().int().nonnegative(),
  platform: platformSchema.optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  urls: z.array(z.string()).optional(),
});
export type Descriptor = z.infer<typeof descriptorSchema>;

const imageManifestSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  config: descriptorSchema,
  layers: z.array(descriptorSchema),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type ImageManifest = z.infer<typeof imageManifestSchema>;

const imageIndexSchema = z.object({
  schemaVersion: z.literal(2),
  mediaType: z.string().optional(),
  manifests: z.array(descriptorSchema),
  annotations: z.record(z.string(), z.string()).optional(),
});
export type ImageIndex = z.infer<typeof imageIndexSchema>;

const imageConfigSchema = z.object({
  architecture: z.string().optional(),
  os: z.string().optional(),
  variant: z.string().optional(),
  created: z.string().optional(),
  config: z
    .object({
      Env: z.array(z.string()).nullish(),
      Entrypoint: z.array(z.string()).nullish(),
      Cmd: z.array(z.string()).nullish(),
      User: z.string().optional(),
      WorkingDir: z.string().optional(),
      Labels: z.record(z.string(), z.string()).nullish(),
    })
    .nullish(),
  rootfs: z.object({ type: z.string(), diff_ids: z.array(digestSchema).nullish() }).optional(),
  history: z
    .array(z.object({ created_by: z.string().optional(), empty_layer: z.boolean().optional() }))
    .nullish(),
});
export type ImageConfig = z.infer<typeof imageConfigSchema>;

export type ParsedManifest =
  { kind: 'manifest'; manifest: ImageManifest } | { kind: 'index'; index: ImageIndex };

/** Parse a manifest or index body; `contentType` (from HTTP or a descriptor) wins over the body's own field. */
export function parseManifest(body: Buffer, what: string, contentType?: string): ParsedManifest {
  const json = parseJson(body, what);
  const declared = normaliseContentType(contentType) ?? mediaTypeField(json);
  const looksLikeIndex =
    isIndexMediaType(declared) ||
    (!declared && typeof json === 'object' && json !== null && 'manifests' in json);
  if (looksLikeIndex) {
    const parsed = imageIndexSchema.safeParse(json);
    if (!parsed.success)
      throw new InputError(`${what}: not a valid image index (${firstIssue(parsed.error)})`);
    return { kind: 'index', index: parsed.data };
  }
  if (declared && declared !== MEDIA.ociManifest && declared !== MEDIA.dockerManifest) {
    if (declared.includes('manifest.v1')) {
      throw new InputError(`${what}: Docker schema 1 manifests are not supported (${declared})`);
    }
    if (!declared.endsWith('json'))
      throw new InputError(`${what}: unsupported manifest media type ${declared}`);
  }
  const parsed = imageManifestSchema.safeParse(json);
  if (!parsed.success)
    throw new InputError(`${what}: not a valid image manifest (${firstIssue(parsed.error)})`);
  return { kind: 'manifest', manifest: parsed.data };
}

export function parseImageConfig(body: Buffer, what: string): ImageConfig {
  const parsed = imageConfigSchema.safeParse(parseJson(body, what));
  if (!parsed.success)
    throw new InputError(`${what}: not a valid image config (${firstIssue(parsed.error)})`);
  return parsed.data;
}

/** Pick the manifest for a platform from an index; the error lists what the index offers. */
export function selectPlatform(index: ImageIndex, platform: Platform, what: string): Descriptor {
  const candidates = index.manifests.filter((m) => !isAttestation(m));
  const match = candidates.find((m) => m.platform && matchesPlatform(m.platform, platform));
  if (match) return match;
  // An index without platform fields (common in OCI layouts) with a single image has nothing to choose.
  if (candidates.length === 1 && !candidates[0]?.platform) return candidates[0] as Descriptor;
  const offered = candidates.map((m) => (m.platform ? formatPlatform(m.platform) : 'unknown')).join(', ');
  throw new InputError(
    `${what}: no image for platform ${formatPlatform(platform)} (index offers: ${offered || 'none'})`,
  );
}

/** BuildKit attaches provenance as `unknown/unknown` manifests; they are not images to scan. */
function isAttestation(d: Descriptor): boolean {
  return (
    d.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' ||
    (d.platform?.os === 'unknown' && d.platform.architecture === 'unknown')
  );
}

function parseJson(body: Buffer, what: string): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch (error) {
    throw new InputError(`${what}: not valid JSON`, { cause: error });
  }
}

function mediaTypeField(json: unknown): string | undefined {
  if (typeof json === 'object' && json !== null && 'mediaType' in json) {
    const value = (json as { mediaType: unknown }).mediaType;
    return typeof value === 'string' ? value : undefined;
  }
  return undefined;
}

function normaliseContentType(contentType: string | undefined): string | undefined {
  const value = contentType?.split(';')[0]?.trim();
  // Registries and file stores sometimes answer with a generic type; the body then decides.
  if (
    !value ||
    value === 'application/json' ||
    value === 'application/octet-stream' ||
    value === 'text/plain'
  ) {
    return undefined;
  }
  return value;
}

function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'root'}: ${issue.message}` : 'unknown problem';
}
