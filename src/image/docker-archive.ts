import type { Readable } from 'node:stream';
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import { DigestVerifier, digestOf, verifyBuffer } from './digest.js';
import type { FileStore } from './file-store.js';
import { parseImageConfig } from './manifest.js';
import { MEDIA } from './media-types.js';
import type { Platform } from './platform.js';
import { formatPlatform, matchesPlatform } from './platform.js';
import { MAX_CONFIG_BYTES, MAX_MANIFEST_BYTES } from './resolve.js';
import type { ImageSource, LayerRef, ResolvedImage } from './source.js';

const archiveManifestSchema = z.array(
  z.object({
    Config: z.string(),
    RepoTags: z.array(z.string()).nullish(),
    Layers: z.array(z.string()),
  }),
);

/** `docker save` output: manifest.json, a config JSON and one tar per layer (plain tars in classic Docker). */
export function dockerArchiveSource(
  store: FileStore,
  wantedTag: string | undefined,
  requested: Platform | undefined,
  name: string,
): ImageSource {
  const what = name;
  let layerPaths: string[] = [];
  return {
    description: name,
    async resolve(): Promise<ResolvedImage> {
      let json: unknown;
      try {
        json = JSON.parse((await store.read('manifest.json', MAX_MANIFEST_BYTES)).toString('utf8'));
      } catch (error) {
        if (error instanceof InputError)
          throw new InputError(`${what}: not a docker archive (${error.message})`);
        throw new InputError(`${what}: manifest.json is not valid JSON`, { cause: error });
      }
      const parsed = archiveManifestSchema.safeParse(json);
      if (!parsed.success || parsed.data.length === 0)
        throw new InputError(`${what}: manifest.json lists no images`);
      const entries = parsed.data;
      const entry = wantedTag
        ? entries.find((e) => e.RepoTags?.some((t) => t === wantedTag || t.endsWith(`/${wantedTag}`)))
        : entries[0];
      if (!entry) {
        const known = entries.flatMap((e) => e.RepoTags ?? []).join(', ');
        throw new InputError(
          `${what}: no image "${wantedTag ?? ''}" in the archive (images: ${known || 'untagged'})`,
        );
      }
      if (!wantedTag && entries.length > 1) {
        throw new InputError(
          `${what}: the archive holds ${entries.length} images; name one as docker-archive:FILE:REPO:TAG`,
        );
      }
      const configBody = await store.read(entry.Config, MAX_CONFIG_BYTES);
      const configDigest = expectedDigestFromPath(entry.Config) ?? digestOf(configBody);
      verifyBuffer(configBody, { digest: configDigest }, `${what}: config ${entry.Config}`);
      const config = parseImageConfig(configBody, `${what}: config`);
      const diffIds = config.rootfs?.diff_ids ?? [];
      if (diffIds.length !== entry.Layers.length) {
        throw new InputError(
          `${what}: ${entry.Layers.length} layers but the config lists ${diffIds.length} diff_ids`,
        );
      }
      if (
        requested &&
        config.os &&
        config.architecture &&
        !matchesPlatform(
          { os: config.os, architecture: config.architecture, variant: config.variant },
          requested,
        )
      ) {
        throw new InputError(
          `${what}: image is for ${formatPlatform({ os: config.os, architecture: config.architecture, variant: config.variant })}, not ${formatPlatform(requested)}`,
        );
      }
      layerPaths = entry.Layers;
      const layers: LayerRef[] = [];
      for (const [index, path] of entry.Layers.entries()) {
        const size = await store.size(path);
        if (size === undefined) throw new InputError(`${what}: layer ${path} is missing from the archive`);
        const diffId = diffIds[index] as string;
        // Classic archives hold the uncompressed tar, so its digest is the diff_id; newer ones name blobs by digest.
        const digest = expectedDigestFromPath(path) ?? diffId;
        layers.push({ index, descriptor: { mediaType: MEDIA.dockerLayerTar, digest, size }, diffId });
      }
      const platform =
        config.os && config.architecture
          ? {
              os: config.os,
              architecture: config.architecture,
              ...(config.variant ? { variant: config.variant } : {}),
            }
          : undefined;
      return {
        name,
        manifestDigest: digestOf(Buffer.from(JSON.stringify(entry))),
        manifest: {
          schemaVersion: 2,
          mediaType: MEDIA.dockerManifest,
          config: { mediaType: MEDIA.dockerConfig, digest: configDigest, size: configBody.length },
          layers: layers.map((l) => l.descriptor),
        },
        configDigest,
        config,
        layers,
        ...(platform ? { platform } : {}),
        tags: entry.RepoTags ?? [],
      };
    },
    async openLayer(layer: LayerRef): Promise<Readable> {
      const path = layerPaths[layer.index];
      if (!path) throw new InputError(`${what}: no layer ${layer.index}`);
      const stream = await store.openRead(path);
      const verifier = new DigestVerifier(layer.descriptor, `${what}: layer ${path}`);
      stream.on('error', (error) => verifier.destroy(error));
      verifier.on('close', () => stream.destroy());
      return stream.pipe(verifier);
    },
    async close() {},
  };
}

/** `blobs/sha256/<hex>` or `<hex>.json` name their own digest. */
function expectedDigestFromPath(path: string): string | undefined {
  const blob = /(?:^|\/)blobs\/(sha256|sha512)\/([a-f0-9]+)$/.exec(path);
  if (blob) return `${blob[1]}:${blob[2]}`;
  const named = /(?:^|\/)([a-f0-9]{64})\.json$/.exec(path);
  return named ? `sha256:${named[1]}` : undefined;
}
