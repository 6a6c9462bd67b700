import type { Readable } from 'node:stream';
import type { Descriptor, ImageConfig, ImageManifest } from './manifest.js';
import type { Platform } from './platform.js';

export interface LayerRef {
  /** 0-based position in the manifest: later layers override earlier ones. */
  index: number;
  descriptor: Descriptor;
  /** Digest of the uncompressed tar from the config's rootfs.diff_ids, when present. */
  diffId?: string;
}

export interface ResolvedImage {
  /** What the user asked for, as given (`oci:/x:tag`, `registry/repo:tag`). */
  name: string;
  /** Digest of the image manifest that was selected (after platform selection). */
  manifestDigest: string;
  manifest: ImageManifest;
  configDigest: string;
  config: ImageConfig;
  layers: LayerRef[];
  platform?: Platform;
  /** Repository and tags, when the source knows them (for purls and SBOM metadata). */
  repository?: string;
  tags: string[];
}

/** Where an image comes from: a registry, an OCI layout, a docker or OCI archive. */
export interface ImageSource {
  readonly description: string;
  resolve(): Promise<ResolvedImage>;
  /** The raw layer blob; the stream fails if its size or digest does not match the descriptor. */
  openLayer(layer: LayerRef): Promise<Readable>;
  close(): Promise<void>;
}
