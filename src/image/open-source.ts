import { stat } from 'node:fs/promises';
import { resolve as resolvePath } from 'node:path';
import { InputError, UsageError } from '../core/errors.js';
import { dockerArchiveSource } from './docker-archive.js';
import { directoryStore, tarStore } from './file-store.js';
import { ociLayoutSource } from './oci-layout.js';
import type { Platform } from './platform.js';
import { parseReference } from './reference.js';
import type { RegistryOptions } from './registry-client.js';
import { registrySource } from './registry-source.js';
import type { ImageSource } from './source.js';
import { indexTar } from './tar-index.js';

export type SourceSpec =
  | { kind: 'registry'; reference: string }
  | { kind: 'oci'; path: string; tag?: string }
  | { kind: 'oci-archive'; path: string; tag?: string }
  | { kind: 'docker-archive'; path: string; tag?: string };

export interface OpenSourceOptions extends RegistryOptions {
  /** Default: an index picks linux/amd64, and a single-platform image is taken as it is. */
  platform?: Platform;
  /** Base for relative paths. */
  cwd?: string;
}

const TRANSPORTS = ['oci', 'oci-archive', 'docker-archive'] as const;

/**
 * `oci:DIR[:tag]`, `oci-archive:FILE[:tag]`, `docker-archive:FILE[:repo:tag]`, otherwise a registry reference.
 * The optional suffix is split off only when the path without it exists, so paths with colons still work.
 */
export async function parseSourceSpec(text: string, cwd = process.cwd()): Promise<SourceSpec> {
  for (const kind of TRANSPORTS) {
    const prefix = `${kind}:`;
    if (!text.startsWith(prefix)) continue;
    const rest = text.slice(prefix.length);
    if (!rest) throw new UsageError(`missing path after ${prefix}`);
    if (await exists(resolvePath(cwd, rest))) return { kind, path: resolvePath(cwd, rest) };
    // docker-archive references carry their own colon (repo:tag), so split at the first colon after the path.
    const colons = [...rest.matchAll(/:/g)].map((m) => m.index ?? 0);
    for (const at of kind === 'docker-archive' ? colons : colons.reverse()) {
      const path = resolvePath(cwd, rest.slice(0, at));
      if (await exists(path)) return { kind, path, tag: rest.slice(at + 1) };
    }
    throw new InputError(`${text}: ${resolvePath(cwd, rest)} does not exist`);
  }
  return { kind: 'registry', reference: text };
}

export async function openImageSource(text: string, options: OpenSourceOptions = {}): Promise<ImageSource> {
  const spec = await parseSourceSpec(text, options.cwd);
  switch (spec.kind) {
    case 'registry':
      return registrySource(parseReference(spec.reference), options.platform, options);
    case 'oci':
      return ociLayoutSource(directoryStore(spec.path), spec.tag, options.platform, text);
    case 'oci-archive':
      return ociLayoutSource(
        tarStore(spec.path, await indexTar(spec.path)),
        spec.tag,
        options.platform,
        text,
      );
    case 'docker-archive':
      return dockerArchiveSource(
        tarStore(spec.path, await indexTar(spec.path)),
        spec.tag,
        options.platform,
        text,
      );
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
