import type { Readable } from 'node:stream';
import { InputError } from '../core/errors.js';
import { DigestVerifier, parseDigest, verifyBuffer } from './digest.js';
import type { FileStore } from './file-store.js';
import { type Descriptor, parseManifest, type ImageIndex } from './manifest.js';
import { isIndexMediaType } from './media-types.js';
import type { Platform } from './platform.js';
import { DEFAULT_PLATFORM, matchesPlatform } from './platform.js';
import { MAX_CONFIG_BYTES, MAX_MANIFEST_BYTES, resolveImageParts } from './resolve.js';
import type { ImageSource, LayerRef, ResolvedImage } from './source.js';

const REF_NAME = 'org.opencontainers.image.ref.name';

/** Path of a blob in an OCI layout; the digest is validated first so it cannot climb out of `blobs/`. */
export function blobPath(digest: string): string {
  const { algorithm, hex } = parseDigest(digest);
  return `blobs/${algorithm}/${hex}`;
}

/** An OCI image layout (a directory, or an `oci-archive` tar indexed in place). */
export function ociLayoutSource(
  store: FileStore,
  tag: string | undefined,
  requested: Platform | undefined,
  name: string,
): ImageSource {
  const platform = requested ?? DEFAULT_PLATFORM;
  const what = name;
  const readBlob = async (d: Descriptor, limit: number): Promise<Buffer> => {
    const body = await store.read(blobPath(d.digest), limit);
    verifyBuffer(body, d, `${what}: blob ${d.digest}`);
    return body;
  };
  return {
    description: name,
    async resolve(): Promise<ResolvedImage> {
      const layoutFile = await store.size('oci-layout');
      if (layoutFile === undefined)
        throw new InputError(`${what}: not an OCI image layout (no oci-layout file)`);
      const indexBody = await store.read('index.json', MAX_MANIFEST_BYTES);
      const parsed = parseManifest(
        indexBody,
        `${what}: index.json`,
        'application/vnd.oci.image.index.v1+json',
      );
      if (parsed.kind !== 'index') throw new InputError(`${what}: index.json is not an image index`);
      const chosen = chooseFromLayout(parsed.index, tag, platform, what);
      const root = {
        body: await readBlob(chosen, MAX_MANIFEST_BYTES),
        contentType: chosen.mediaType,
        digest: chosen.digest,
      };
      const parts = await resolveImageParts(
        root,
        {
          manifest: async (d) => ({
            body: await readBlob(d, MAX_MANIFEST_BYTES),
            contentType: d.mediaType,
            digest: d.digest,
          }),
          config: (d) => readBlob(d, MAX_CONFIG_BYTES),
        },
        requested,
        what,
      );
      const tags = tag ? [tag] : [chosen.annotations?.[REF_NAME]].filter((t): t is string => Boolean(t));
      return { name, ...parts, tags };
    },
    async openLayer(layer: LayerRef): Promise<Readable> {
      const stream = await store.openRead(blobPath(layer.descriptor.digest));
      const verifier = new DigestVerifier(layer.descriptor, `${what}: layer ${layer.descriptor.digest}`);
      stream.on('error', (error) => verifier.destroy(error));
      verifier.on('close', () => stream.destroy());
      return stream.pipe(verifier);
    },
    async close() {},
  };
}

function chooseFromLayout(
  index: ImageIndex,
  tag: string | undefined,
  platform: Platform,
  what: string,
): Descriptor {
  const tagged = (d: Descriptor): string | undefined => d.annotations?.[REF_NAME];
  if (tag) {
    const matches = index.manifests.filter((d) => tagged(d) === tag);
    if (matches.length === 0) {
      const known = index.manifests.map(tagged).filter(Boolean).join(', ');
      throw new InputError(`${what}: no image tagged "${tag}" in the layout (tags: ${known || 'none'})`);
    }
    return pickForPlatform(matches, platform) ?? (matches[0] as Descriptor);
  }
  if (index.manifests.length === 1) return index.manifests[0] as Descriptor;
  const byPlatform = pickForPlatform(index.manifests, platform);
  if (byPlatform) return byPlatform;
  const known = index.manifests.map(tagged).filter(Boolean).join(', ');
  throw new InputError(
    `${what}: the layout holds ${index.manifests.length} images; name one as oci:DIR:TAG (tags: ${known || 'none'})`,
  );
}

function pickForPlatform(candidates: Descriptor[], platform: Platform): Descriptor | undefined {
  if (candidates.length === 1 || candidates.every((d) => isIndexMediaType(d.mediaType))) return candidates[0];
  return candidates.find((d) => d.platform && matchesPlatform(d.platform, platform));
}
