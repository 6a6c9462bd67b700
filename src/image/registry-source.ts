import type { Readable } from 'node:stream';
import type { Platform } from './platform.js';
import { type ImageReference, formatReference, manifestSelector } from './reference.js';
import { RegistryClient, type RegistryOptions } from './registry-client.js';
import { MAX_CONFIG_BYTES, resolveImageParts } from './resolve.js';
import type { ImageSource, LayerRef, ResolvedImage } from './source.js';

/** An image in a registry, read through the Distribution API; nothing is written to disk. */
export async function registrySource(
  ref: ImageReference,
  platform: Platform | undefined,
  options: RegistryOptions,
): Promise<ImageSource> {
  const client = await RegistryClient.create(ref, options);
  const name = formatReference(ref);
  return {
    description: name,
    async resolve(): Promise<ResolvedImage> {
      const root = await client.fetchManifest(manifestSelector(ref));
      const parts = await resolveImageParts(
        root,
        {
          manifest: (d) => client.fetchManifest(d.digest),
          config: (d) => client.fetchBlob(d, MAX_CONFIG_BYTES),
        },
        platform,
        name,
      );
      return {
        name,
        ...parts,
        repository: `${ref.registry}/${ref.repository}`,
        tags: ref.tag ? [ref.tag] : [],
      };
    },
    openLayer(layer: LayerRef): Promise<Readable> {
      return client.openBlob(layer.descriptor);
    },
    close: () => client.close(),
  };
}
