import { InputError } from '../core/errors.js';
import {
  type Descriptor,
  type ImageConfig,
  type ImageManifest,
  parseImageConfig,
  parseManifest,
  selectPlatform,
} from './manifest.js';
import type { Platform } from './platform.js';
import { DEFAULT_PLATFORM, formatPlatform, matchesPlatform } from './platform.js';
import type { LayerRef } from './source.js';

export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Indexes may nest (an index of indexes); real images use one level, so a few is plenty and stops cycles. */
const MAX_INDEX_DEPTH = 4;

export interface ManifestBlob {
  body: Buffer;
  contentType?: string | undefined;
  digest: string;
}

export interface BlobReader {
  /** A verified manifest or index for a descriptor from an index. */
  manifest(descriptor: Descriptor): Promise<ManifestBlob>;
  /** The verified config blob. */
  config(descriptor: Descriptor): Promise<Buffer>;
}

export interface ImageParts {
  manifestDigest: string;
  manifest: ImageManifest;
  configDigest: string;
  config: ImageConfig;
  layers: LayerRef[];
  /** The platform the config declares. */
  platform?: Platform;
}

/** From a manifest or index down to one image manifest for the platform, its config and its layers. */
export async function resolveImageParts(
  root: ManifestBlob,
  reader: BlobReader,
  requested: Platform | undefined,
  what: string,
): Promise<ImageParts> {
  const platform = requested ?? DEFAULT_PLATFORM;
  let current = root;
  for (let depth = 0; depth <= MAX_INDEX_DEPTH; depth++) {
    const parsed = parseManifest(current.body, what, current.contentType);
    if (parsed.kind === 'index') {
      const chosen = selectPlatform(parsed.index, platform, what);
      current = await reader.manifest(chosen);
      continue;
    }
    const manifest = parsed.manifest;
    const configBody = await reader.config(manifest.config);
    const config = parseImageConfig(configBody, `${what}: config ${manifest.config.digest}`);
    const own =
      config.os && config.architecture
        ? { os: config.os, architecture: config.architecture, variant: config.variant }
        : undefined;
    if (requested && own && depth === 0 && !matchesPlatform(own, requested)) {
      // The user asked for a platform and the single-platform image is another: say so rather than scan it.
      throw new InputError(`${what}: image is for ${formatPlatform(own)}, not ${formatPlatform(requested)}`);
    }
    return {
      manifestDigest: current.digest,
      manifest,
      configDigest: manifest.config.digest,
      config,
      layers: layersOf(manifest, config, what),
      ...(own
        ? {
            platform: {
              os: own.os,
              architecture: own.architecture,
              ...(own.variant ? { variant: own.variant } : {}),
            },
          }
        : {}),
    };
  }
  throw new InputError(`${what}: image indexes nested more than ${MAX_INDEX_DEPTH} deep`);
}

function layersOf(manifest: ImageManifest, config: ImageConfig, what: string): LayerRef[] {
  const diffIds = config.rootfs?.diff_ids ?? [];
  if (diffIds.length > 0 && diffIds.length !== manifest.layers.length) {
    throw new InputError(
      `${what}: manifest has ${manifest.layers.length} layers but config lists ${diffIds.length} diff_ids`,
    );
  }
  return manifest.layers.map((descriptor, index) => {
    const diffId = diffIds[index];
    return { index, descriptor, ...(diffId ? { diffId } : {}) };
  });
}
