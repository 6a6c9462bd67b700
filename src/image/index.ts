/** Public API of image/: references, sources (registry, OCI layout, archives), layer reading. */
export { parseReference, formatReference, registryApiHost, type ImageReference } from './reference.js';
export { parsePlatform, formatPlatform, DEFAULT_PLATFORM, type Platform } from './platform.js';
export { openImageSource, parseSourceSpec, type OpenSourceOptions, type SourceSpec } from './open-source.js';
export type { ImageSource, ResolvedImage, LayerRef } from './source.js';
export { RegistryClient, type RegistryOptions } from './registry-client.js';
export { loadDockerCredentials, dockerConfigPath, type BasicCredentials } from './docker-config.js';
export { DigestVerifier, parseDigest, digestOf } from './digest.js';
export { MEDIA, MANIFEST_ACCEPT } from './media-types.js';
export type { Descriptor, ImageManifest, ImageIndex, ImageConfig } from './manifest.js';
export { decompressLayer, sniffCompression } from './layers/decompress.js';
export {
  readLayer,
  DEFAULT_LAYER_LIMITS,
  type LayerLimits,
  type LayerChanges,
  type WantedFile,
} from './layers/read-layer.js';
export { Overlay } from './layers/overlay.js';
export { cleanImagePath, resolveInRoot } from './layers/paths.js';
